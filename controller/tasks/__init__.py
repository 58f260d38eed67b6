"""The plan's tasks (province.yml `tasks:`, default plan 2495), their recorded events and due dates.

model: what a task is; plan2495: the default list; events: "task done" records in the run
store; schedule: each task's due date and state as of a day, from the events.
"""
