-- One row per patient whose care plans the service derives. Plan recomputation locks the row (SELECT ... FOR
-- UPDATE) after its own write and before reading inputs, so concurrent writes for one patient are planned one
-- after the other and the last plan always sees every committed input.
CREATE TABLE plan_lock (
    lock_key VARCHAR(200) PRIMARY KEY
);
