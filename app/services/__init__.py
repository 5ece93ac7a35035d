"""What more than one door needs, once, and without Flask.

* :mod:`.household` reads and checks a household (a form, a file, an API body).
* :mod:`.language` loads each language's catalogue and formats.
* :mod:`.formatting` writes and reads numbers, money, percentages and dates for a locale.
* :mod:`.explain` turns the engine's structured reasons into sentences in a language.
* :mod:`.whatif` compares a household's results with those of changed answers.
* :mod:`.report` lays results out as text for the command line.

The doors (``app.web`` blueprints, ``app.cli``) parse their input, call these, and render.
"""
