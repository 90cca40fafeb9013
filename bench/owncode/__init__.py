"""jobspec's program and provider with the CPU of jobspec's own code counted (bench/owncode_bench.py)."""
