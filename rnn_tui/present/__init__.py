"""What the screen shows, without Textual: the view position (one type, shared with the
sessions), the stage read from a trace, and the contents of every panel and pane.

Nothing is imported here, so `rnn_tui.present.position` stays light for the sessions."""
