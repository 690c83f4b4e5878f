# Echoes its standard input to standard output, byte for byte, writes to stderr, and exits 3.
import sys

data = sys.stdin.buffer.read()
sys.stdout.buffer.write(data)
sys.stdout.buffer.write(b"\x00\xff end\n")
sys.stderr.write("to stderr\n")
sys.exit(3)
