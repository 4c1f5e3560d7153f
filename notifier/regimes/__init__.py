"""Hook modules: the Python a regime adds to the engine, named in its workflow file (`hooks:`) and imported by the
loader. Each knows its regime; nothing outside this package and the workflow files names a regime."""
