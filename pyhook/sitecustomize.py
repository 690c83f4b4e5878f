"""PipeScope's way into every Python process of a traced program (`pipescope trace`).

`pipescope trace` puts this directory first on PYTHONPATH, so every Python process of the
program, spawned children included, imports this module at startup instead of the machine's
own `sitecustomize`. It does two things:

1. When PIPESCOPE_TRACE_DIR is set, it installs the tracer (`_pipescope_trace`). Nothing the
   tracer does can stop the program: its failures are counted and reported to the collector.
2. It always runs the `sitecustomize` that would have run without PipeScope (the next one on
   sys.path, e.g. Debian's /usr/lib/python3.X/sitecustomize.py) as that very module: it ends up
   in sys.modules['sitecustomize'] and its exceptions behave as they would without us. When
   there is none, this module leaves as if it had not been found either.

Also read by Python 2 and 3.0-3.7 interpreters a traced program may start: there it only
chains, hence the old syntax.
"""

import os
import sys


def _install_tracer():
    trace_dir = os.environ.get('PIPESCOPE_TRACE_DIR')
    if trace_dir and sys.version_info >= (3, 8):
        try:
            _load_tracer(trace_dir).install(trace_dir)
        except Exception:
            pass  # install() reports its own failures; a broken installation cannot report


def _load_tracer(trace_dir):
    """Import _pipescope_trace with its bytecode cached in the run's directory.

    The first process of the run compiles it, the others load the code: about 8 ms less at
    the start of every process when no __pycache__ can be written next to the source (an
    installed PipeScope, PYTHONDONTWRITEBYTECODE).
    """
    import marshal
    from _frozen_importlib_external import MAGIC_NUMBER  # importlib's (see below)
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), '_pipescope_trace.py')
    cache = os.path.join(trace_dir, '_pipescope_trace.%s.pyc' % MAGIC_NUMBER.hex())
    try:
        with open(cache, 'rb') as f:
            code = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        with open(source, 'rb') as f:
            code = compile(f.read(), source, 'exec', dont_inherit=True)
        try:
            temporary = '%s.%d' % (cache, os.getpid())
            with open(temporary, 'wb') as f:
                marshal.dump(code, f)
            os.rename(temporary, cache)  # atomic: a process starting meanwhile reads all or none
        except OSError:
            pass
    module = type(sys)('_pipescope_trace')
    module.__file__ = source
    sys.modules[module.__name__] = module
    exec(code, module.__dict__)
    return module


def _run_next_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    if sys.version_info[0] >= 3:
        # importlib.machinery.PathFinder and importlib.util.module_from_spec, taken from the
        # import system's own modules: importing importlib would add importlib and warnings
        # (importlib.util: contextlib, collections, functools too) to every process.
        from _frozen_importlib import module_from_spec
        from _frozen_importlib_external import PathFinder
        spec = PathFinder.find_spec(__name__, path)
        if spec is None:
            # What site.py sees when there is no sitecustomize at all: it stays silent, and
            # the failed import removes this module from sys.modules.
            raise ImportError('No module named ' + repr(__name__), name=__name__)
        module = module_from_spec(spec)
        sys.modules[__name__] = module  # the import of sitecustomize returns this module
        spec.loader.exec_module(module)
    else:
        import imp
        found, pathname, description = imp.find_module(__name__, path)
        try:
            imp.load_module(__name__, found, pathname, description)
        finally:
            if found is not None:
                found.close()


_install_tracer()
_run_next_sitecustomize()
