-- migrate:up
ALTER TABLE tasks ADD COLUMN due_at TEXT;
CREATE INDEX tasks_due ON tasks(due_at) WHERE done = 0;
CREATE VIEW open_tasks AS
  SELECT tasks.id, projects.name AS project, tasks.title, tasks.due_at
  FROM tasks JOIN projects ON projects.id = tasks.project_id
  WHERE tasks.done = 0;

-- migrate:down
DROP VIEW open_tasks;
DROP INDEX tasks_due;
ALTER TABLE tasks DROP COLUMN due_at;
