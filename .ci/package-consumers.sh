#!/usr/bin/env bash
# Packs RnnGen, RnnGen.Data and RnnGen.Plotting into a local folder feed, then builds and runs two consumers created
# outside the repository (net8.0 and net10.0) that restore only those packages: warnings are errors; each trains,
# saves, loads and predicts, freezes a weights file through the package's buildTransitive/RnnGen.targets, and reads a
# CSV with RnnGen.Data. Prints one "PASS <name>" / "FAIL <name>" line per check; exits non-zero on any failure.
# Usage: .ci/package-consumers.sh   (from anywhere; uses a temporary directory, removed at the end)
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
version="0.1.0-ci$(date +%Y%m%d%H%M%S)"   # a fresh version each run: never a stale copy from the NuGet cache
trap 'rm -rf "$work" "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/rnngen*/"$version"' EXIT
failures=0
check() { # check NAME COMMAND...: runs the command, logs to $work/NAME.log, prints PASS/FAIL
  local name="$1"; shift
  if "$@" >"$work/$name.log" 2>&1; then echo "PASS $name"; else echo "FAIL $name"; tail -n 40 "$work/$name.log"; failures=$((failures + 1)); fi
}

mkdir -p "$work/feed"
for package in RnnGen RnnGen.Data RnnGen.Plotting; do
  check "pack-$package" dotnet pack "$repo/src/$package" -c Release -o "$work/feed" -p:Version="$version" -p:ContinuousIntegrationBuild=true
done
check "package-layout" bash -c "unzip -l '$work/feed/RnnGen.$version.nupkg' | grep -q 'analyzers/dotnet/cs/RnnGen.Generator.dll' \
  && unzip -l '$work/feed/RnnGen.$version.nupkg' | grep -q 'buildTransitive/RnnGen.targets' \
  && unzip -l '$work/feed/RnnGen.$version.nupkg' | grep -q 'lib/net8.0/RnnGen.dll' \
  && unzip -l '$work/feed/RnnGen.$version.nupkg' | grep -q 'lib/net10.0/RnnGen.dll' \
  && unzip -p '$work/feed/RnnGen.$version.nupkg' RnnGen.nuspec | grep -q '<license type=\"expression\">MIT</license>' \
  && unzip -p '$work/feed/RnnGen.$version.nupkg' RnnGen.nuspec | grep -q '<readme>README.md</readme>' \
  && unzip -p '$work/feed/RnnGen.$version.nupkg' RnnGen.nuspec | grep -q '<repository type=\"git\" url=\"https://github.com/rnngen/rnngen\"'"
check "source-link" bash -c "unzip -p '$work/feed/RnnGen.$version.snupkg' lib/net10.0/RnnGen.pdb | grep -aq 'https://raw.githubusercontent.com/rnngen/rnngen/'"

for tfm in net8.0 net10.0; do
  app="$work/consumer-$tfm"
  mkdir -p "$app"
  cp "$repo/samples/TinyPredictor/letter.safetensors" "$app/"
  cat >"$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="rnngen-local" value="$work/feed" />
  </packageSources>
</configuration>
XML
  cat >"$app/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>$tfm</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="RnnGen" Version="$version" />
    <PackageReference Include="RnnGen.Data" Version="$version" />
    <RnnGenWeights Include="letter.safetensors" />
  </ItemGroup>
</Project>
XML
  cat >"$app/Program.cs" <<'CS'
using RnnGen;

var inputs = new float[5][];
var targets = new float[5][];
for (int i = 0; i < 5; i++) { inputs[i] = Dataset.OneHot(i, 5); targets[i] = [(i + 1) % 5]; }

// train, save, load, predict
var model = new Letters(seed: 1);
History history = model.Fit(Dataset.FromArrays(inputs, targets), new TrainingOptions
{
    Epochs = 100, Loss = Losses.SparseCategoricalCrossentropy(), Optimizer = new Adam(0.01f),
    Metrics = { Metrics.Accuracy() }, Seed = 1, Output = TextWriter.Null,
});
string path = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.safetensors");
model.SaveWeights(path);
var loaded = new Letters(seed: 2);
loaded.LoadWeights(path);
File.Delete(path);
float[] a = new float[5], b = new float[5];
for (int i = 0; i < 5; i++)
{
    model.Predict(inputs[i], a);
    loaded.Predict(inputs[i], b);
    if (!a.AsSpan().SequenceEqual(b)) throw new InvalidOperationException($"loaded model differs on letter {i}");
}

// frozen weights through the package's buildTransitive/RnnGen.targets
var frozen = new FrozenLetters();
string ring = "";
for (int i = 0; i < 5; i++)
{
    frozen.Predict(inputs[i], a);
    ring += "abcde"[a.AsSpan().IndexOf(a.Max())];
}

// RnnGen.Data
string csv = Path.Combine(Path.GetTempPath(), $"consumer-{Environment.ProcessId}.csv");
File.WriteAllText(csv, "x,y\n1,2\n3,4\n");
float[][] columns = Csv.ReadColumns(csv, "y");
File.Delete(csv);

Console.WriteLine($"{Environment.Version} loss {history["loss"][^1]:0.000} accuracy {history["accuracy"][^1]:0.00} frozen bcdea={ring} csv={columns[0][1]}");
return ring == "bcdea" && columns[0][1] == 4f && history["accuracy"][^1] == 1f ? 0 : 1;

[RnnModel(timesteps: 1, features: 5)]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class Letters;

[RnnModel(timesteps: 1, features: 5, Weights = "letter.safetensors")]
[SimpleRnn(3)]
[Dense(5, Activation = Activation.Softmax)]
public partial class FrozenLetters;
CS
  check "consumer-$tfm-build" dotnet build "$app" -c Release
  check "consumer-$tfm-generated-source-visible" bash -c "ls '$app'/obj/Release/$tfm/generated/RnnGen.Generator/*/Letters.g.cs"
  # Only a newer runtime may be installed: let a net8.0 app roll forward to it.
  check "consumer-$tfm-run" env DOTNET_ROLL_FORWARD=Major dotnet "$app/bin/Release/$tfm/Consumer.dll"
  grep -h "loss" "$work/consumer-$tfm-run.log" || true
done

echo "package consumers: $failures failed"
[ "$failures" -eq 0 ]
