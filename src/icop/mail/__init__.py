"""Outgoing e-mail: a ``Mailer`` protocol, an SMTP mailer, and the embedded default, a local
mail sink that keeps each message as an .eml file under ICOP_HOME/mail (``icop mail list``)."""
