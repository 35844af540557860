"""The benchmark suite (`make bench`, `gongzhi bench`): issue 7.

`bench.run` orchestrates; every measured step runs in a child process (`bench.child`) on a
fresh database so that its peak memory is its own; `bench.scenarios` is the registry.
"""
