using System;
using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Names in generated code and in hint names, made safe once, here. Every user-chosen name (namespace, containing
/// types, the model class) goes through <see cref="Escape"/> before it is written as C#; every reference to a
/// library type is written <c>global::</c>-qualified at its use, so no user type can shadow it.
/// </summary>
internal static class Identifiers
{
    /// <summary><c>@class</c> for a keyword (reserved or contextual), the name itself otherwise.</summary>
    public static string Escape(string identifier) =>
        SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) != SyntaxKind.None
            ? "@" + identifier
            : identifier;

    /// <summary><c>@event.Models</c>: each dotted part escaped.</summary>
    public static string EscapeNamespace(string dottedName)
    {
        string[] parts = dottedName.Split('.');
        for (int i = 0; i < parts.Length; i++) parts[i] = Escape(parts[i]);
        return string.Join(".", parts);
    }

    /// <summary>
    /// A hint name built only from ASCII letters, digits, <c>_</c> and <c>.</c>: every other character (the <c>@</c> of a
    /// keyword is already gone; unicode letters, say) becomes <c>_</c>.
    /// </summary>
    public static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '.' ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// The hint name of the model <paramref name="fullName"/> (<c>Namespace.Outer.Class</c>, unescaped), unique among
    /// <paramref name="allFullNames"/> even on a case-insensitive file system: models whose sanitized names differ only
    /// in case (or in characters sanitizing merged) are ordered ordinally, and the second and later get <c>.2</c>,
    /// <c>.3</c>, ... before <c>.g.cs</c>. An identifier cannot start with a digit, so the suffix never meets a real name.
    /// </summary>
    public static string HintName(string fullName, IEnumerable<string> allFullNames)
    {
        string sanitized = Sanitize(fullName);
        var colliding = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string other in allFullNames)
        {
            if (string.Equals(Sanitize(other), sanitized, StringComparison.OrdinalIgnoreCase)) colliding.Add(other);
        }

        int index = 0;
        foreach (string other in colliding)
        {
            if (other == fullName) break;
            index++;
        }

        return index == 0 ? sanitized + ".g.cs" : sanitized + "." + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
    }
}
