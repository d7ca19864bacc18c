using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Interop.PyTorch;

/// <summary>A <c>module.name</c> global that the allow-list accepted.</summary>
internal sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => Module + "." + Name;
}

/// <summary>A pickled tuple.</summary>
internal sealed class PickleTuple(object?[] items)
{
    public object?[] Items { get; } = items;
}

/// <summary>A pickled list.</summary>
internal sealed class PickleList
{
    public List<object?> Items { get; } = [];
}

/// <summary>A dict or <c>collections.OrderedDict</c>, keys in insertion order.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object?, object?>> Items { get; } = [];
}

/// <summary>A storage referenced by a persistent id: <c>('storage', torch.FloatStorage, key, location, numel)</c>.</summary>
internal sealed record StorageRef(string Type, string Key, long Elements);

/// <summary>The result of <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)</c>.</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

/// <summary>
/// An allow-list unpickler for PyTorch <c>state_dict</c> files. It interprets the pickle opcodes that a state_dict
/// uses (protocols 2 to 5) and builds plain data; it never imports or calls anything. The only globals it accepts are
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c>
/// and the typed storage classes, and the only calls (<c>REDUCE</c>) it accepts are those three callables, which it
/// replaces by data constructors. Every other global (<c>os.system</c>, <c>builtins.eval</c>, ...), every
/// object-building opcode (<c>INST</c>, <c>OBJ</c>, <c>NEWOBJ</c>, extension codes) and every malformed stream is a
/// <see cref="WeightFileException"/>.
/// </summary>
/// <remarks>Opcode semantics follow CPython's <c>Lib/pickle.py</c> and <c>Lib/pickletools.py</c>.</remarks>
internal sealed class PickleReader
{
    private const int MaxStack = 100_000;
    private const int MaxMemo = 1_000_000;

    private static readonly HashSet<string> StorageTypes = new(StringComparer.Ordinal)
    {
        "FloatStorage", "DoubleStorage", "HalfStorage", "BFloat16Storage", "LongStorage", "IntStorage",
        "ShortStorage", "CharStorage", "ByteStorage", "BoolStorage",
    };

    private readonly byte[] _data;
    private readonly string _source;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _pos;

    private PickleReader(byte[] data, string source)
    {
        _data = data;
        _source = source;
    }

    /// <summary>Unpickles <paramref name="data"/> into plain objects.</summary>
    public static object? Read(byte[] data, string source) => new PickleReader(data, source).Run();

    private object? Run()
    {
        while (true)
        {
            if (_pos >= _data.Length)
            {
                throw Fail("the pickle ends before its STOP opcode; the file is truncated.");
            }

            int at = _pos;
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: // PROTO n
                    byte protocol = Byte();
                    if (protocol > 5) throw Fail($"pickle protocol {protocol} is not supported (2 to 5 are).");
                    break;
                case 0x95: // FRAME: an 8-byte length, then the frame's opcodes inline
                    Bytes(8);
                    break;
                case (byte)'.': // STOP
                    if (_stack.Count != 1) throw Fail($"the pickle stops with {_stack.Count} values on the stack, expected 1.");
                    return _stack[0];
                case (byte)'(': // MARK
                    _marks.Push(_stack.Count);
                    break;
                case (byte)'}': Push(new PickleDict()); break;
                case (byte)']': Push(new PickleList()); break;
                case (byte)')': Push(new PickleTuple([])); break;
                case (byte)'t': Push(new PickleTuple(PopMark())); break;
                case 0x85: Push(new PickleTuple([Pop()])); break;
                case 0x86: { object? b = Pop(), a = Pop(); Push(new PickleTuple([a, b])); break; }
                case 0x87: { object? c = Pop(), b = Pop(), a = Pop(); Push(new PickleTuple([a, b, c])); break; }
                case (byte)'N': Push(null); break;
                case 0x88: Push(true); break;
                case 0x89: Push(false); break;
                case (byte)'K': Push((long)Byte()); break;
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2))); break;
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(Bytes(4))); break;
                case 0x8a: Push(Long1()); break;
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(Bytes(8))); break;
                case (byte)'X': Push(Utf8(Length32())); break;
                case 0x8c: Push(Utf8(Byte())); break;
                case 0x8d: Push(Utf8(Length64())); break;
                case (byte)'U': Push(Latin1(Byte())); break;
                case (byte)'T': Push(Latin1(Length32())); break;
                case (byte)'C': Push(Bytes(Byte()).ToArray()); break;
                case (byte)'B': Push(Bytes(Length32()).ToArray()); break;
                case (byte)'q': Memo(Byte()); break;
                case (byte)'r': Memo(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))); break;
                case 0x94: Memo(_memo.Count); break; // MEMOIZE
                case (byte)'h': Push(Recall(Byte())); break;
                case (byte)'j': Push(Recall(BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4)))); break;
                case (byte)'0': Pop(); break;
                case (byte)'1': PopMark(); break;
                case (byte)'2': Push(Peek()); break;
                case (byte)'c': Push(Global(Line(), Line())); break;
                case 0x93: // STACK_GLOBAL
                {
                    object? name = Pop(), module = Pop();
                    if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL needs two strings.");
                    Push(Global(m, n));
                    break;
                }
                case (byte)'R': // REDUCE: callable(*args), only for the allow-listed callables
                {
                    object? args = Pop(), callable = Pop();
                    Push(Reduce(callable, args as PickleTuple ?? throw Fail("REDUCE arguments are not a tuple.")));
                    break;
                }
                case (byte)'b': // BUILD: obj.__setstate__(state); state_dicts carry _metadata here
                {
                    Pop();
                    if (Peek() is not (PickleDict or TensorRef)) throw Fail($"BUILD on a {Describe(Peek())} is not allowed.");
                    break;
                }
                case (byte)'Q': // BINPERSID: a storage reference
                    Push(Persistent(Pop()));
                    break;
                case (byte)'s':
                {
                    object? value = Pop(), key = Pop();
                    AsDict(Peek()).Items.Add(new(key, value));
                    break;
                }
                case (byte)'u':
                {
                    object?[] items = PopMark();
                    if (items.Length % 2 != 0) throw Fail("SETITEMS has an odd number of values.");
                    PickleDict dict = AsDict(Peek());
                    for (int i = 0; i < items.Length; i += 2) dict.Items.Add(new(items[i], items[i + 1]));
                    break;
                }
                case (byte)'a':
                {
                    object? value = Pop();
                    AsList(Peek()).Items.Add(value);
                    break;
                }
                case (byte)'e':
                {
                    object?[] items = PopMark();
                    AsList(Peek()).Items.AddRange(items);
                    break;
                }
                default:
                    throw Fail($"pickle opcode 0x{op:x2} ('{OpName(op)}') at byte {at} is not allowed: a state_dict never needs it, and it could build arbitrary objects. Nothing was executed or loaded.");
            }
        }
    }

    private object Global(string module, string name)
    {
        bool allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("torch._utils", "_rebuild_tensor_v2") => true,
            ("torch._utils", "_rebuild_parameter") => true,
            ("torch", _) => StorageTypes.Contains(name),
            _ => false,
        };
        if (!allowed)
        {
            throw Fail($"the pickle refers to the global '{module}.{name}', which is not on the allow-list (collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.*Storage). A state_dict never needs it; the file may be malicious. Nothing was executed or loaded.");
        }

        return new PickleGlobal(module, name);
    }

    private object? Reduce(object? callable, PickleTuple args)
    {
        if (callable is not PickleGlobal g)
        {
            throw Fail($"REDUCE calls a {Describe(callable)}; only allow-listed globals may be called.");
        }

        object?[] a = args.Items;
        switch (g.Module, g.Name)
        {
            case ("collections", "OrderedDict"):
                var dict = new PickleDict();
                if (a.Length == 1 && a[0] is PickleList pairs)
                {
                    foreach (object? p in pairs.Items)
                    {
                        if (p is not PickleTuple { Items.Length: 2 } kv) throw Fail("OrderedDict items must be pairs.");
                        dict.Items.Add(new(kv.Items[0], kv.Items[1]));
                    }
                }
                else if (a.Length != 0)
                {
                    throw Fail("OrderedDict is called with unexpected arguments.");
                }

                return dict;
            case ("torch._utils", "_rebuild_tensor_v2"):
                if (a.Length < 4 || a[0] is not StorageRef storage || a[1] is not long offset
                    || a[2] is not PickleTuple size || a[3] is not PickleTuple stride || size.Items.Length != stride.Items.Length)
                {
                    throw Fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...).");
                }

                return new TensorRef(storage, offset, Longs(size), Longs(stride));
            case ("torch._utils", "_rebuild_parameter"):
                if (a.Length < 1 || a[0] is not TensorRef data) throw Fail("_rebuild_parameter needs a tensor.");
                return data;
            default:
                throw Fail($"'{g}' may be referenced but not called.");
        }
    }

    private StorageRef Persistent(object? pid)
    {
        if (pid is not PickleTuple { Items: ["storage", PickleGlobal type, string key, string, long numel] })
        {
            throw Fail($"a persistent id is {Describe(pid)}; expected ('storage', torch.<Type>Storage, key, location, numel).");
        }

        if (!StorageTypes.Contains(type.Name) || type.Module != "torch") throw Fail($"'{type}' is not a storage type.");
        return new StorageRef(type.Name, key, numel);
    }

    private long[] Longs(PickleTuple t)
    {
        var result = new long[t.Items.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = t.Items[i] as long? ?? throw Fail("a tensor size or stride is not an integer.");
        }

        return result;
    }

    private PickleDict AsDict(object? o) => o as PickleDict ?? throw Fail($"SETITEM(S) on a {Describe(o)}.");

    private PickleList AsList(object? o) => o as PickleList ?? throw Fail($"APPEND(S) on a {Describe(o)}.");

    private void Push(object? o)
    {
        if (_stack.Count >= MaxStack) throw Fail($"the pickle stack exceeds {MaxStack} entries.");
        _stack.Add(o);
    }

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _stack.Count <= _marks.Peek())) throw Fail("the pickle pops from an empty stack.");
        object? o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw Fail("the pickle reads from an empty stack.");

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Fail("the pickle uses a MARK that was never set.");
        int mark = _marks.Pop();
        object?[] items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private void Memo(long index)
    {
        if (_memo.Count >= MaxMemo) throw Fail($"the pickle memo exceeds {MaxMemo} entries.");
        _memo[index] = Peek();
    }

    private object? Recall(long index) => _memo.TryGetValue(index, out object? o) ? o : throw Fail($"the pickle recalls memo entry {index}, which was never stored.");

    private byte Byte() => Bytes(1)[0];

    private ReadOnlySpan<byte> Bytes(long count)
    {
        if (count < 0 || count > _data.Length - _pos) throw Fail($"the pickle wants {count} bytes at byte {_pos}, but only {_data.Length - _pos} remain; the file is truncated or corrupt.");
        var span = new ReadOnlySpan<byte>(_data, _pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private long Length32() => BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4));

    private long Length64()
    {
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(Bytes(8));
        return n > int.MaxValue ? -1 : (long)n;
    }

    private long Long1()
    {
        ReadOnlySpan<byte> b = Bytes(Byte());
        if (b.Length > 8) throw Fail($"a {b.Length}-byte integer is too large.");
        long v = 0;
        for (int i = b.Length - 1; i >= 0; i--) v = (v << 8) | b[i];
        if (b.Length is > 0 and < 8 && (b[^1] & 0x80) != 0) v -= 1L << (8 * b.Length);
        return v;
    }

    private string Utf8(long count) => Encoding.UTF8.GetString(Bytes(count));

    private string Latin1(long count) => Encoding.Latin1.GetString(Bytes(count));

    private string Line()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0 || end - _pos > 256) throw Fail("a GLOBAL name is not terminated; the file is truncated or corrupt.");
        string s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }

    private static string Describe(object? o) => o switch
    {
        null => "None",
        string s => $"string '{s}'",
        long l => $"integer {l}",
        PickleGlobal g => $"global '{g}'",
        _ => o.GetType().Name.Replace("Pickle", "", StringComparison.Ordinal).ToLowerInvariant(),
    };

    private static string OpName(byte op) => op switch
    {
        (byte)'i' => "INST",
        (byte)'o' => "OBJ",
        0x81 => "NEWOBJ",
        0x92 => "NEWOBJ_EX",
        0x82 or 0x83 or 0x84 => "EXT",
        (byte)'P' => "PERSID",
        (byte)'S' => "STRING",
        (byte)'I' => "INT",
        _ => "unknown",
    };

    private WeightFileException Fail(string message) => new($"{_source}: {message}");
}
