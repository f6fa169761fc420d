import Database from 'better-sqlite3';

// The database the upstream Python service creates: the five tables of 1.0.0 written its own
// way (lower-case keywords, IF NOT EXISTS, quoted names, FOR EACH ROW, table-level constraints,
// REFERENCES without a column list, parenthesized defaults), and its versions table holding '001'.

export const PYTHON_SERVICE_SCHEMA = `
create table if not exists "conversation_files" (
  "file_id" text primary key,
  "session_id" text not null,
  "original_filename" text not null,
  "stored_filename" text not null,
  "file_path" text not null,
  "file_size" integer not null,
  "file_hash" text not null,
  "mime_type" text,
  "uploaded_at" timestamp default (CURRENT_TIMESTAMP),
  "uploaded_by" text,
  "is_deleted" integer default (0),
  "deleted_at" timestamp null,
  unique ("stored_filename"),
  check ("file_size" >= 0),
  check (is_deleted in (0,1))
);
create table if not exists file_metadata (
  metadata_id integer primary key autoincrement,
  file_id text not null references conversation_files on delete cascade,
  metadata_key text not null,
  metadata_value text,
  created_at timestamp default current_timestamp,
  unique (file_id, metadata_key)
);
create table if not exists session_file_associations (
  association_id integer primary key autoincrement,
  session_id text not null,
  file_id text not null,
  association_type text default 'upload',
  message_id text,
  associated_at timestamp default current_timestamp,
  foreign key (file_id) references conversation_files (file_id) on delete cascade,
  unique (session_id, file_id, message_id)
);
create table if not exists file_access_log (
  log_id integer primary key autoincrement,
  file_id text not null,
  access_type text not null,
  accessed_by text,
  accessed_at timestamp default current_timestamp,
  access_metadata text,
  check (access_type in ('upload','download','view','delete','restore')),
  foreign key (file_id) references conversation_files (file_id) on delete cascade
);
create table if not exists file_cleanup_queue (
  cleanup_id integer primary key autoincrement,
  file_id text not null,
  session_id text not null,
  scheduled_deletion_time timestamp not null,
  cleanup_reason text default 'session_ended' check (cleanup_reason in ('session_ended','user_request','expired','space_limit')),
  is_processed integer default 0 check (is_processed in (0,1)),
  processed_at timestamp null,
  foreign key (file_id) references conversation_files on delete cascade
);
create index if not exists idx_conversation_files_session on conversation_files(session_id, is_deleted);
create index if not exists idx_conversation_files_hash on conversation_files(file_hash, is_deleted);
create index if not exists idx_conversation_files_uploaded_at on conversation_files(uploaded_at desc);
create index if not exists idx_file_metadata_file_id on file_metadata(file_id);
create index if not exists idx_session_associations_session on session_file_associations(session_id);
create index if not exists idx_session_associations_file on session_file_associations(file_id);
create index if not exists idx_file_access_log_file on file_access_log(file_id, accessed_at desc);
create index if not exists idx_cleanup_queue_processed on file_cleanup_queue(is_processed, scheduled_deletion_time);
create trigger if not exists trg_conversation_files_soft_delete after update of is_deleted on conversation_files for each row
when new.is_deleted = 1 and old.is_deleted = 0
begin update conversation_files set deleted_at = current_timestamp where file_id = new.file_id; end;
create trigger if not exists trg_conversation_files_upload_log after insert on conversation_files for each row
begin
  insert into file_access_log (file_id, access_type, accessed_by, access_metadata)
  values (new.file_id, 'upload', new.uploaded_by, json_object('file_size', new.file_size, 'mime_type', new.mime_type));
end;
create trigger if not exists trg_session_association_cleanup_schedule after insert on session_file_associations for each row
begin
  insert into file_cleanup_queue (file_id, session_id, scheduled_deletion_time, cleanup_reason)
  values (new.file_id, new.session_id, datetime('now', '+30 days'), 'session_ended');
end;
create view if not exists v_active_files as
  select cf.*, count(distinct sfa.session_id) as session_count, max(sfa.associated_at) as last_associated
  from conversation_files cf left join session_file_associations sfa on cf.file_id = sfa.file_id
  where cf.is_deleted = 0 group by cf.file_id;
create view if not exists v_session_file_summary as
  select session_id, count(*) as total_files, sum(file_size) as total_size, min(uploaded_at) as first_file_at, max(uploaded_at) as last_file_at
  from conversation_files where is_deleted = 0 group by session_id;
create view if not exists v_pending_cleanups as
  select fcq.*, cf.original_filename, cf.file_size,
         cast((julianday(fcq.scheduled_deletion_time) - julianday('now')) * 1440 as integer) as minutes_until_deletion
  from file_cleanup_queue fcq join conversation_files cf on fcq.file_id = cf.file_id
  where fcq.is_processed = 0 and fcq.scheduled_deletion_time <= datetime('now', '+7 days');
create table if not exists schema_migrations (version text primary key, applied_at timestamp default current_timestamp);
insert or ignore into schema_migrations (version) values ('001');
`;

/** Creates `path` the way the Python service does (its schema script, run in one go). */
export function buildPythonServiceDatabase(path: string): void {
  const db = new Database(path);
  try {
    db.exec(PYTHON_SERVICE_SCHEMA);
  } finally {
    db.close();
  }
}
