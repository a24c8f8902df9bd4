"""便民服务热线 (Convenience hotline): a Minzi program."""
