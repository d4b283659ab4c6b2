"""The batched exactly-once engine that runs the deciding stages.

One loop per stage, each on its own thread inside the Faust worker
(`host.StageHost`): consume a batch of the stage's co-partitioned inputs,
decide each record with the stage's pure core, produce the facts and, once per
batch, the touched parts of each state to the stage's changelog on the input's
partition number; then send the input offsets and commit, all in one Kafka
transaction. docs/exactly-once.md says why that is exactly once.

    stage.py       what a stage is: inputs, changelog, key, pure decide, StateLog
    batch.py       deciding one batch against the partitions' states (pure)
    changelog.py   the changelog's keys, and folding its records back into states
    restore.py     reading a partition's changelog up to its last stable offset
    clients.py     the consumer and producer settings, and why
    loop.py        the transactional loop of one stage: batches, rebalances, failures
    host.py        the Faust service that runs every loop on a thread of its own
"""
