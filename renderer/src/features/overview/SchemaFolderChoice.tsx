import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi, useHostKind } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Notice } from '../../components/Notice';
import { databaseKeys, schemaKeys } from '../../queries/database-keys';

/**
 * Desktop only: another schema folder, or the app's migrations folder as its tool wrote it, for this
 * database. The host asks for the folder in its own dialog, reads it as `--schema` does, and says
 * what it recognised; everything shown about the database is then read again under that schema.
 */
export function SchemaFolderChoice({ db }: { db: string }) {
  const hostKind = useHostKind();
  const api = useApi();
  const queryClient = useQueryClient();
  const choose = useMutation({
    mutationFn: () => api.chooseSchemaFolder({ db }),
    onSuccess: async (choice) => {
      if (choice === null) return;
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }),
        queryClient.invalidateQueries({ queryKey: databaseKeys.list() }),
        queryClient.invalidateQueries({ queryKey: schemaKeys.all }),
      ]);
    },
  });
  if (hostKind !== 'electron') return null;
  return (
    <div className="schema-folder-choice">
      <Button onClick={() => choose.mutate()} busy={choose.isPending}>
        Choose schema or migrations folder…
      </Button>
      {choose.data && (
        <Notice tone="info" title={`Now read with the schema ${choose.data.schema.title}`}>
          {choose.data.recognised}
        </Notice>
      )}
      {choose.isError && <ErrorNotice error={choose.error} context="The folder was not used" />}
    </div>
  );
}
