"""The coach's own Rasa components (named in config.yml as `components.<module>.<class>`)."""
