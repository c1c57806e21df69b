"""Who and where in the demo company: its sites with their QR locations, the assets staff keep
per location, and the staff logins `make run` prints."""

from __future__ import annotations

DEMO_PASSWORD = "closecall-demo"  # noqa: S105 - demo data only, printed by `make run`
DEMO_LOGINS = [
    ("admin@closecall.example", "admin"),
    ("safety@closecall.example", "safety_manager"),
    ("supervisor.riverside@closecall.example", "supervisor (Riverside Plant)"),
    ("supervisor.north@closecall.example", "supervisor (North Distribution Center)"),
    ("viewer@closecall.example", "viewer (both sites)"),
]

SITES = [
    (
        "Riverside Plant",
        "riverside",
        "America/Chicago",
        [
            "Press line 2",
            "Dock 3",
            "Paint booth",
            "Maintenance shop",
            "Chemical store",
            "Forklift charging",
        ],
    ),
    (
        "North Distribution Center",
        "north-dc",
        "America/Los_Angeles",
        [
            "Inbound dock A",
            "Racking aisle 14",
            "Pick tower level 2",
            "Yard gate",
            "Battery room",
            "Mezzanine stairs",
        ],
    ),
]

# The machines and vehicles staff keep per location; retired ones stay on old reports.
ASSETS = {
    "Press line 2": ["Press P2", "Overhead hoist H2", "Die cart DC-1"],
    "Dock 3": ["Forklift FL-07", "Dock leveller 3"],
    "Paint booth": ["Exhaust fan EF-1", "Paint mixer M1"],
    "Maintenance shop": ["Bench grinder G1", "Step ladder L-4"],
    "Chemical store": ["Eyewash station EW-2", "Solvent cabinet SC-1"],
    "Forklift charging": ["Charger C3", "Forklift FL-03"],
    "Inbound dock A": ["Forklift FL-12", "Dock leveller A2"],
    "Racking aisle 14": ["Reach truck RT-4", "Rack bay 14-07"],
    "Pick tower level 2": ["Conveyor CV-2", "Order picker OP-1"],
    "Yard gate": ["Sliding gate G-1"],
    "Battery room": ["Charger C3", "Eyewash station EW-5"],
    "Mezzanine stairs": ["Goods lift GL-1"],
}
RETIRED_ASSETS = {"Dock 3": ["Forklift FL-02"]}
