import { useState, type FormEvent } from 'react';
import type { SchemaSummary } from '../../../../shared/types/databases';
import { useHostKind } from '../../api/connection-context';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Field } from '../../components/Field';
import { LoadingState } from '../../components/QueryStates';
import { useSchemas } from '../../queries/schemas';
import { useCreateDatabase } from './databases-queries';

const FILE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function CreateDatabaseForm({ schemas, onDone }: { schemas: SchemaSummary[]; onDone: () => void }) {
  const hostKind = useHostKind();
  const create = useCreateDatabase();
  const [schemaName, setSchemaName] = useState(schemas[0].name);
  const schema = schemas.find((s) => s.name === schemaName) ?? schemas[0];
  const [version, setVersion] = useState(schema.latest);
  const [name, setName] = useState('');
  const nameInvalid = name !== '' && !FILE_NAME.test(name);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (nameInvalid) return;
    create.mutate({ schema: schema.name, version, ...(name ? { name } : {}) }, { onSuccess: onDone });
  }

  return (
    <Dialog
      title="New database"
      onClose={onDone}
      footer={
        <>
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" form="create-database" variant="primary" busy={create.isPending} disabled={nameInvalid}>
            Create at {version}
          </Button>
        </>
      }
    >
      <form id="create-database" className="create-database" onSubmit={submit}>
        <Field label="Schema" help={schema.description}>
          {(control) => (
            <select
              {...control}
              value={schema.name}
              data-autofocus
              onChange={(e) => {
                setSchemaName(e.target.value);
                setVersion(schemas.find((s) => s.name === e.target.value)?.latest ?? '');
              }}
            >
              {schemas.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.title} ({s.name})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Version" help="An older version lets you rehearse the upgrade a deployment will go through.">
          {(control) => (
            <select {...control} value={version} onChange={(e) => setVersion(e.target.value)}>
              {[...schema.versions].reverse().map((v) => (
                <option key={v} value={v}>
                  {v === schema.latest ? `${v} (latest)` : v}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="File name (optional)"
          help={
            nameInvalid
              ? 'Use letters, digits, _ and - only (no folder, no extension).'
              : hostKind === 'electron'
                ? 'You choose the folder in the next step.'
                : 'The server decides the folder; the name is for you to recognise the file.'
          }
        >
          {(control) => (
            <input
              {...control}
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder={`${schema.name}_${version.replaceAll('.', '_')}`}
              aria-invalid={nameInvalid}
            />
          )}
        </Field>
        {create.isError && <ErrorNotice error={create.error} context="The database was not created" />}
      </form>
    </Dialog>
  );
}

/** New database: pick a schema and the version to create it at (QA exploring fresh installs and upgrades). */
export function CreateDatabaseDialog({ onClose }: { onClose: () => void }) {
  const schemas = useSchemas();
  if (schemas.data && schemas.data.length > 0) return <CreateDatabaseForm schemas={schemas.data} onDone={onClose} />;
  return (
    <Dialog title="New database" onClose={onClose} footer={<Button onClick={onClose}>Close</Button>}>
      {schemas.isPending && <LoadingState label="Loading the schemas this host knows…" />}
      {schemas.isError && <ErrorNotice error={schemas.error} context="The schemas could not be listed" />}
      {schemas.data?.length === 0 && <p>This host knows no schemas, so there is nothing to create a database from.</p>}
    </Dialog>
  );
}
