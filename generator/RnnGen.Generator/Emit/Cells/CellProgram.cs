using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit.Cells;

/// <summary>An element-wise expression over unit vectors (one lane per unit) inside one timestep of a recurrent cell.</summary>
internal abstract record CellExpr
{
    public static CellExpr operator +(CellExpr a, CellExpr b) => new Binary('+', a, b);
    public static CellExpr operator -(CellExpr a, CellExpr b) => new Binary('-', a, b);
    public static CellExpr operator *(CellExpr a, CellExpr b) => new Binary('*', a, b);
}

/// <summary>The pre-activation of gate <paramref name="Index"/>: <c>x_t K_g + h_(s-1) R_g + b_g</c>.</summary>
internal sealed record GateInput(int Index) : CellExpr;

/// <summary>Only the recurrent half of gate <paramref name="Index"/>: <c>h_(s-1) R_g + b'_g</c> (GRU with reset after).</summary>
internal sealed record GateRecurrent(int Index) : CellExpr;

/// <summary>
/// <c>v R_g</c> for a vector <paramref name="Source"/> computed earlier in the same step (GRU with reset before:
/// <c>(r h_(s-1)) R_h</c>). Lowered as a second matrix-vector product after <paramref name="Source"/> is known.
/// </summary>
internal sealed record RecurrentProduct(int Gate, string Source) : CellExpr;

/// <summary>A value defined earlier in the step, or a state (<c>h</c>, <c>c</c>) as it was before the step.</summary>
internal sealed record Value(string Name) : CellExpr;

/// <summary>
/// Gate <paramref name="Gate"/>'s recurrent dropout mask, unit by unit (1/(1-rate) or 0, constant over the sequence):
/// only the batched tier's training lowering puts it into a program (<see cref="CellProgram.WithRecurrentDropout"/>).
/// </summary>
internal sealed record RecurrentMask(int Gate) : CellExpr;

internal sealed record Activated(ActivationKind Activation, CellExpr Argument) : CellExpr;

internal sealed record Binary(char Operator, CellExpr Left, CellExpr Right) : CellExpr;

/// <summary>
/// Where a value of the step is kept for Backward: <c>ws[Offset + s * Stride ...]</c>, <c>Units</c> floats. The layout is the
/// one every tier's backward pass reads (the constant-bound-loop emitters define it).
/// </summary>
internal sealed record CacheSlot(int Offset, int Stride);

/// <summary><c>name = expression</c>, kept in <see cref="Cache"/> for training when not null.</summary>
internal sealed record CellStatement(string Name, CellExpr Expression, CacheSlot? Cache);

/// <summary>How gate <c>g</c>'s pre-activation is accumulated.</summary>
internal enum GateForm
{
    /// <summary>Input and recurrent products into one accumulator (<see cref="GateInput"/>).</summary>
    Fused,
    /// <summary>Input part and recurrent part kept apart (GRU reset after: the recurrent part is gated by r).</summary>
    Split,
    /// <summary>Input part only; the recurrent product comes later through <see cref="RecurrentProduct"/>.</summary>
    InputOnly,
}

/// <summary>
/// A recurrent layer's cell, described once as a short typed program: gate pre-activations (matrix products and biases,
/// with the Keras weight layout), then element-wise statements over unit vectors, then the state update. Each emission
/// tier lowers this program; options such as direction change the program's inputs, not the emitters.
/// </summary>
internal sealed class CellProgram
{
    private CellProgram(LayerPlan layer, GateForm[] gates, CellStatement[] statements, (string State, string Next)[] states,
        int recurrentBiasOffset)
    {
        Layer = layer;
        Gates = gates;
        Statements = statements;
        States = states;
        RecurrentBiasOffset = recurrentBiasOffset;
    }

    public LayerPlan Layer { get; }
    public int Units => Layer.Units;
    public int InputWidth => Layer.InputWidth;

    /// <summary>Columns of the kernels: gates times units.</summary>
    public int Columns => Gates.Count * Units;

    public IReadOnlyList<GateForm> Gates { get; }
    public IReadOnlyList<CellStatement> Statements { get; }

    /// <summary>Each state and the statement that gives its next value, in <c>Step</c>'s state layout order.</summary>
    public IReadOnlyList<(string State, string Next)> States { get; }

    /// <summary>The value the layer outputs at every step (the new <c>h</c>).</summary>
    public string Output => States[0].Next;

    /// <summary>Offset of the input bias (<c>b</c>, Columns floats) in Parameters, or -1 without bias.</summary>
    public int InputBiasOffset => Layer.HasBias ? Layer.BiasOffset : -1;

    /// <summary>Offset of the recurrent bias row (GRU reset after), or -1.</summary>
    public int RecurrentBiasOffset { get; }

    /// <summary>Where the output value is cached per step (the broadcast source of the next step's <c>h</c>).</summary>
    public CacheSlot OutputSlot
    {
        get
        {
            foreach (CellStatement statement in Statements)
            {
                if (statement.Name == Output) return statement.Cache!;
            }

            throw new System.InvalidOperationException("The output statement is not cached.");
        }
    }

    /// <summary>Whether a statement reads state <paramref name="name"/> element-wise (h also feeds the product, from memory).</summary>
    public bool ReadsState(string name)
    {
        foreach (CellStatement st in Statements)
        {
            foreach (Value v in Find<Value>(st.Expression))
            {
                if (v.Name == name) return true;
            }
        }

        return false;
    }

    /// <summary>Whether reverse mode reads the forward value <paramref name="name"/>: an activation's output, or a factor of a product.</summary>
    public bool BackwardReads(string name)
    {
        foreach (CellStatement st in Statements)
        {
            if (st.Name == name && st.Expression is Activated) return true;
            foreach (Binary b in Find<Binary>(st.Expression))
            {
                if (b.Operator != '*') continue;
                foreach (Value v in Find<Value>(b.Left)) if (v.Name == name) return true;
                foreach (Value v in Find<Value>(b.Right)) if (v.Name == name) return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The program with recurrent dropout on the second products' sources: the previous state a source reads becomes
    /// <c>h ⊙ m_gate</c> (Keras 3's <c>r * h_tm1_h</c> in a reset-before GRU). The gate products <c>h R</c> drop their
    /// input in the lowering, which owns them; every other use of <c>h</c> (GRU's <c>z h</c>) keeps the undropped state.
    /// </summary>
    public CellProgram WithRecurrentDropout()
    {
        var statements = new CellStatement[Statements.Count];
        for (int i = 0; i < statements.Length; i++)
        {
            CellStatement st = Statements[i];
            foreach (CellStatement user in Statements)
            {
                foreach (RecurrentProduct m in Find<RecurrentProduct>(user.Expression))
                {
                    if (m.Source == st.Name) st = st with { Expression = DropState(st.Expression, m.Gate) };
                }
            }

            statements[i] = st;
        }

        return new CellProgram(Layer, (GateForm[])Gates, statements, ((string State, string Next)[])States, RecurrentBiasOffset);
    }

    private static CellExpr DropState(CellExpr e, int gate) => e switch
    {
        Value { Name: "h" } v => new Binary('*', v, new RecurrentMask(gate)),
        Activated a => a with { Argument = DropState(a.Argument, gate) },
        Binary b => b with { Left = DropState(b.Left, gate), Right = DropState(b.Right, gate) },
        _ => e,
    };

    /// <summary>Every node of type <typeparamref name="T"/> in <paramref name="e"/>, outermost first.</summary>
    public static IEnumerable<T> Find<T>(CellExpr e) where T : CellExpr
    {
        if (e is T match) yield return match;
        CellExpr[] children = e switch
        {
            Activated a => new[] { a.Argument },
            Binary b => new[] { b.Left, b.Right },
            _ => System.Array.Empty<CellExpr>(),
        };
        foreach (CellExpr child in children)
        {
            foreach (T found in Find<T>(child)) yield return found;
        }
    }

    /// <summary>The cell of <paramref name="layer"/> (SimpleRnn, Lstm or Gru), given the offsets of its training cache.</summary>
    public static CellProgram For(LayerPlan layer)
    {
        int u = layer.Units, t = layer.Timesteps;
        ActivationKind act = layer.Spec.Activation;
        var h = new Value("h");
        switch (layer.Kind)
        {
            case LayerKind.SimpleRnn:
                // h_s = f(x K + h R + b); the cache is h, [T, u].
                return new CellProgram(layer, new[] { GateForm.Fused },
                    new[] { new CellStatement("hNew", new Activated(act, new GateInput(0)), new CacheSlot(0, u)) },
                    new[] { ("h", "hNew") }, -1);

            case LayerKind.Lstm:
            {
                // Gates i, f, c, o; c_s = f c + i g; h_s = o f(c_s). Cache: gates [T, 4u], c, f(c), h [T, u] each.
                int g4 = 4 * u, cOffset = t * g4, acOffset = cOffset + t * u, hOffset = acOffset + t * u;
                ActivationKind sigmoid = layer.Spec.RecurrentActivation; // Keras recurrent_activation, sigmoid by default
                return new CellProgram(layer, new[] { GateForm.Fused, GateForm.Fused, GateForm.Fused, GateForm.Fused },
                    new[]
                    {
                        new CellStatement("i", new Activated(sigmoid, new GateInput(0)), new CacheSlot(0, g4)),
                        new CellStatement("f", new Activated(sigmoid, new GateInput(1)), new CacheSlot(u, g4)),
                        new CellStatement("g", new Activated(act, new GateInput(2)), new CacheSlot(2 * u, g4)),
                        new CellStatement("o", new Activated(sigmoid, new GateInput(3)), new CacheSlot(3 * u, g4)),
                        new CellStatement("cNew", new Value("f") * new Value("c") + new Value("i") * new Value("g"), new CacheSlot(cOffset, u)),
                        new CellStatement("ac", new Activated(act, new Value("cNew")), new CacheSlot(acOffset, u)),
                        new CellStatement("hNew", new Value("o") * new Value("ac"), new CacheSlot(hOffset, u)),
                    },
                    new[] { ("h", "hNew"), ("c", "cNew") }, -1);
            }

            default:
            {
                // Gates z, r, h; hh = f(x K_h + r (h R_h + b'_h)) (reset after) or f(x K_h + (r h) R_h + b_h);
                // h_s = z h + (1 - z) hh = hh + z (h - hh). Cache: z, r, hh [T, 3u], rh [T, u] (reset after only), h [T, u].
                int g3 = 3 * u;
                bool after = layer.Spec.ResetAfter;
                int hOffset = t * g3 + (after ? t * u : 0);
                var statements = new List<CellStatement>
                {
                    new("z", new Activated(layer.Spec.RecurrentActivation, new GateInput(0)), new CacheSlot(0, g3)),
                    new("r", new Activated(layer.Spec.RecurrentActivation, new GateInput(1)), new CacheSlot(u, g3)),
                };
                if (after)
                {
                    statements.Add(new("rh", new GateRecurrent(2), new CacheSlot(t * g3, u)));
                    statements.Add(new("hh", new Activated(act, new GateInput(2) + new Value("r") * new Value("rh")), new CacheSlot(2 * u, g3)));
                }
                else
                {
                    statements.Add(new("rhPrev", new Value("r") * h, null));
                    statements.Add(new("hh", new Activated(act, new GateInput(2) + new RecurrentProduct(2, "rhPrev")), new CacheSlot(2 * u, g3)));
                }

                // z h + (1 - z) hh, written hh + z (h - hh): the same value, one multiply-add on the critical path.
                statements.Add(new("hNew", new Value("hh") + new Value("z") * (h - new Value("hh")), new CacheSlot(hOffset, u)));
                return new CellProgram(layer,
                    new[] { GateForm.Fused, GateForm.Fused, after ? GateForm.Split : GateForm.InputOnly },
                    statements.ToArray(),
                    new[] { ("h", "hNew") },
                    after && layer.HasBias ? layer.BiasOffset + g3 : -1);
            }
        }
    }
}
