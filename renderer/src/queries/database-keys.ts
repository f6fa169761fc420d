// The root of every query key about databases. Feature key factories extend `one(db)`, so after a
// write (migrate, repair, restore, backup) one line refreshes everything shown about that
// database: queryClient.invalidateQueries({ queryKey: databaseKeys.one(db) }).
export const databaseKeys = {
  all: ['databases'] as const,
  list: () => [...databaseKeys.all, 'list'] as const,
  one: (db: string) => [...databaseKeys.all, 'db', db] as const,
  status: (db: string) => [...databaseKeys.one(db), 'status'] as const,
  verification: (db: string) => [...databaseKeys.one(db), 'verification'] as const,
  backups: (db: string) => [...databaseKeys.one(db), 'backups'] as const,
};

export const schemaKeys = {
  all: ['schemas'] as const,
};
