using System.Runtime.ExceptionServices;

namespace RnnGen;

/// <summary>
/// A fixed set of parts run side by side: part 0 on the calling thread, parts <c>1 .. Degree - 1</c> each on its own
/// dedicated background thread, created once and woken per <see cref="Run"/>. A run allocates nothing (unlike
/// <c>Parallel.For</c>), which keeps <see cref="Trainer.TrainBatch"/> allocation-free.
/// </summary>
/// <remarks>
/// Part <c>p</c> always runs on the same thread, so a worker's caches stay warm. An exception in any part is caught,
/// the run still waits for every part to finish, and then the first exception in part order is rethrown on the calling
/// thread with its original stack trace. <see cref="Dispose"/> stops and joins the threads.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly SemaphoreSlim _finished = new(0);
    private int _pending;
    private readonly Exception?[] _errors;
    private Action<int>? _work;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Starts <c>degree - 1</c> worker threads.</summary>
    /// <param name="degree">Parts per run, the calling thread included (at least 1).</param>
    public WorkerPool(int degree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degree, 1);
        Degree = degree;
        _errors = new Exception?[degree];
        _threads = new Thread[degree - 1];
        _start = new SemaphoreSlim[degree - 1];
        for (int w = 0; w < _threads.Length; w++)
        {
            _start[w] = new SemaphoreSlim(0);
            _threads[w] = new Thread(WorkerLoop) { IsBackground = true, Name = $"RnnGen Fit worker {w + 1}" };
            _threads[w].Start(w + 1);
        }
    }

    /// <summary>The most parts a run can have: the worker threads plus the calling thread.</summary>
    public int Degree { get; }

    /// <summary>Runs <c>work(0) .. work(parts - 1)</c> concurrently and returns when all have finished.</summary>
    /// <param name="work">The part to run; a cached delegate, so the call allocates nothing.</param>
    /// <param name="parts">How many parts, <c>1 .. Degree</c>.</param>
    public void Run(Action<int> work, int parts)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (parts <= 1)
        {
            work(0);
            return;
        }

        // wake parts 1 .. parts-1; every write before Release is visible to the worker after its Wait
        // (a counter and a semaphore rather than a CountdownEvent: its ManualResetEventSlim allocates a lock object the
        // first time a wait blocks, which a busy machine can make happen in any batch step)
        _work = work;
        Volatile.Write(ref _pending, parts - 1);
        for (int p = 1; p < parts; p++)
        {
            _start[p - 1].Release();
        }

        // part 0 here; whatever it does, wait for the others before returning or throwing
        try
        {
            work(0);
        }
        catch (Exception e)
        {
            _errors[0] = e;
        }

        _finished.Wait(); // released once, by the last worker to finish
        _work = null;
        RethrowFirstError(parts);
    }

    /// <summary>Stops the workers and waits for them to exit.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        foreach (SemaphoreSlim start in _start)
        {
            start.Release();
        }

        foreach (Thread thread in _threads)
        {
            thread.Join();
        }

        foreach (SemaphoreSlim start in _start)
        {
            start.Dispose();
        }

        _finished.Dispose();
    }

    /// <summary>A worker: wait to be woken, run its part, record any exception, signal done; until disposed.</summary>
    private void WorkerLoop(object? state)
    {
        int part = (int)state!;
        SemaphoreSlim start = _start[part - 1];
        while (true)
        {
            start.Wait();
            if (_stopping)
            {
                return;
            }

            try
            {
                _work!(part);
            }
            catch (Exception e)
            {
                _errors[part] = e;
            }
            finally
            {
                if (Interlocked.Decrement(ref _pending) == 0) _finished.Release();
            }
        }
    }

    /// <summary>Clears the recorded errors and rethrows the first, in part order, keeping its stack trace.</summary>
    private void RethrowFirstError(int parts)
    {
        Exception? first = null;
        for (int p = 0; p < parts; p++)
        {
            first ??= _errors[p];
            _errors[p] = null;
        }

        if (first is not null)
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }
}
