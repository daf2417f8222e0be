"""Small, domain-free building blocks shared by several services."""
