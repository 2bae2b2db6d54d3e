-- Which version of the index extraction the search index rows were written by. Version 2 adds the identifiers of
-- logical references (the ':identifier' modifier); search.SearchIndexUpgrade brings the rows of resources stored
-- before it up to date after start-up and then records the version reached here.
CREATE TABLE search_index_state (
    id       INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL
);
INSERT INTO search_index_state (id, version) VALUES (1, 1);
