"""rnn-tui: step through a recurrent neural network one timestep at a time."""

__version__ = "0.1.0"


def load_scenario(source):
    """Load a scenario by path or built-in name (see rnn_tui.scenario)."""
    from .scenario import load_scenario as _load

    return _load(source)


__all__ = ["__version__", "load_scenario"]
