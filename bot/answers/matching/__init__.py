"""Finding what a message is about: free-text questions and crisis signals."""
