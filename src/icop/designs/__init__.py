"""Designs: every image an editable Fabric.js canvas document (issue #14)."""
