"""Language-model access: providers, the smart router and the embedded local runtime."""
