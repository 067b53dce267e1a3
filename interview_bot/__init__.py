"""The application: settings, the composition root, health, logs and the command line.

The only package that imports both the core (`bot`) and the platform adapters.
"""
