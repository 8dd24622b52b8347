"""The coach's channels and server-side pieces, loaded by the Rasa server from credentials.yml."""

from channels import speedups

speedups.install()
