-- grain: one row per filing loaded (or failed to parse) since the model was last refreshed for it
-- key: accession_number
-- Pipeline state, not an analytics table: what the next model refresh has to bring up to date. It outlives the
-- run that loaded the filing, so a run stopped between its load and its model refresh leaves the work to the
-- next run, whatever days that one covers; the refresh removes what it consumed, in its own transaction.
create table if not exists model_pending (
    accession_number VARCHAR
);
