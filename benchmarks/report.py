"""Render ``results.json`` as the markdown tables of ``RESULTS.md``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._report_quality import quality as _quality  # noqa: E402


def _goal(met) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _fit(sec: dict[str, Any]) -> list[str]:
    cfg = sec["config"]
    lines = [
        f"## 1. Fit time ({cfg['n_rows']} x {cfg['n_features']}, MLP {cfg['hidden']}, "
        f"{cfg['epochs']} epochs, batch {cfg['batch_size']}; median of {cfg['repeats']} "
        "interleaved repeats)",
        "",
        "Plain Keras compiles with Keras defaults and gets the same rows, weights and loss as "
        f"skweight's strategy. skweight uses `default_compile_kwargs() = "
        f"{sec['default_compile_kwargs']}`.",
        "",
        "| weighting | plain Keras s | skweight s | SciKeras s | skweight / plain (min-max) "
        "| SciKeras / plain |",
        "|---|---|---|---|---|---|",
    ]
    for label, t in sec["strategies"].items():
        sk, own = t.get("scikeras"), t["skweight"]
        lines.append(
            f"| {label} | {t['plain_keras']['seconds']:.2f} | {own['seconds']:.2f} | "
            f"{sk['seconds'] if sk else float('nan'):.2f} | **{own['ratio']:.2f}** "
            f"({own['ratio_min']:.2f}-{own['ratio_max']:.2f}) | "
            f"{sk['ratio'] if sk else float('nan'):.2f} |"
        )
    lines += ["", f"Goal: {sec['goal']}: {_goal(sec['goal_met'])}.", ""]
    if sec["compile_sweep"]:
        lines += [
            'Compile settings (skweight with `weighting="balanced"`, ratio to plain Keras '
            "at Keras defaults in the same repeat):",
            "",
            "| compile settings | skweight s | skweight / plain (min-max) |",
            "|---|---|---|",
        ]
        for label, t in sec["compile_sweep"].items():
            lines.append(
                f"| {label} | {t['seconds']:.2f} | {t['ratio']:.2f} "
                f"({t['ratio_min']:.2f}-{t['ratio_max']:.2f}) |"
            )
        lines.append("")
    return lines


def _jax(sec: dict[str, Any]) -> list[str]:
    cfg = sec["config"]
    lines = [
        f"### 1b. JAX backend on CPU ({cfg['n_rows']} x {cfg['n_features']}, MLP {cfg['hidden']}, "
        f"{cfg['epochs']} epochs, batch {cfg['batch_size']}; median of {cfg['repeats']})",
        "",
    ]
    if "timings" not in sec:
        return lines + [f"Failed: {sec.get('error')}", ""]
    lines += ["| contender | s | ratio to plain Keras (min-max) |", "|---|---|---|"]
    for label, t in sec["timings"].items():
        if isinstance(t, dict):
            lines.append(
                f"| {label} | {t['seconds']:.2f} | **{t['ratio']:.2f}** "
                f"({t['ratio_min']:.2f}-{t['ratio_max']:.2f}) |"
            )
    return lines + [""]


def _predict(sec: dict[str, Any]) -> list[str]:
    lines = ["## 2. Prediction", "", "Latency, median ms per call:", ""]
    sizes = list(sec["latency_ms"])
    methods = list(next(iter(sec["latency_ms"].values()))) if sizes else []
    lines += ["| method | " + " | ".join(f"{s} row(s)" for s in sizes) + " |"]
    lines += ["|---|" + "---|" * len(sizes)]
    for m in methods:
        cells = [f"{sec['latency_ms'][s].get(m, float('nan')):.3f}" for s in sizes]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines += ["", "Throughput, median seconds for all rows (rows per second):", ""]
    sizes = list(sec["throughput"])
    methods = list(dict.fromkeys(m for s in sizes for m in sec["throughput"][s]))
    lines += ["| method | " + " | ".join(f"{int(s):,} rows" for s in sizes) + " |"]
    lines += ["|---|" + "---|" * len(sizes)]
    for m in methods:
        cells = []
        for s in sizes:
            t = sec["throughput"][s].get(m)
            cells.append(f"{t['seconds']:.3f} s ({t['rows_per_s']:,.0f}/s)" if t else "-")
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    goals = sec["goals"]
    lines += [
        "",
        f"Goals: 1 row <= 1 ms: {_goal(goals['one_row_le_1ms'])}; large inputs at least as "
        f"fast as `model.predict(batch_size=8192)`: "
        f"{_goal(goals['large_at_least_as_fast_as_model_predict'])}.",
        "",
    ]
    return lines


def _memory(sec: dict[str, Any]) -> list[str]:
    cfg = sec["config"]
    lines = [
        f"## 3. Peak memory of over-sampling ({cfg['n_rows']:,} x {cfg['n_features']} float32, "
        f"1:9, {cfg['epochs']} epoch(s), batch {cfg['batch_size']}; one process each)",
        "",
        "| configuration | baseline MiB | peak MiB | fit's increase MiB | increase / unweighted "
        "| peak / unweighted |",
        "|---|---|---|---|---|---|",
    ]
    for label, f in sec["results"].items():
        if "error" in f:
            lines.append(f"| {label} | failed: {f['error']} | | | | |")
            continue
        lines.append(
            f"| {label} | {f['baseline_mib']:.0f} | {f['peak_mib']:.0f} | "
            f"{f['increase_mib']:.0f} | {f.get('increase_ratio', 1):.2f} | "
            f"{f.get('peak_ratio', 1):.2f} |"
        )
    lines += ["", f"Goal: {sec['goal']}: {_goal(sec['goal_met'])}.", ""]
    return lines


def _search(sec: dict[str, Any]) -> list[str]:
    cfg, s = sec["config"], sec["seconds"]
    par = f"gridsearch_n_jobs_{cfg['n_jobs']}"
    return [
        f"## 4. GridSearchCV over {cfg['n_strategies']} strategies x {cfg['cv']} folds "
        f"({cfg['n_rows']} x {cfg['n_features']}, MLP {cfg['hidden']}, {cfg['epochs']} epochs; "
        f"{sec['n_fits']} fits)",
        "",
        f"Strategies: {', '.join(sec['strategies'])}.",
        "",
        "| single fits, summed s | GridSearchCV n_jobs=1 s | "
        f"GridSearchCV n_jobs={cfg['n_jobs']} s | search / single fits | n_jobs={cfg['n_jobs']} "
        "speed-up |",
        "|---|---|---|---|---|",
        f"| {', '.join(f'{x:.1f}' for x in s['single_fits_sum'])} | "
        f"{', '.join(f'{x:.1f}' for x in s['gridsearch_n_jobs_1'])} | "
        f"{', '.join(f'{x:.1f}' for x in s[par])} | **{sec['overhead_ratio']:.2f}** | "
        f"{sec['parallel_speedup']:.2f}x |",
        *_earlier_search_row(sec, par),
        "",
        f"Goal: {sec['goal']}: {_goal(sec['goal_met'])}.",
        "",
    ]


def _earlier_search_row(sec: dict[str, Any], par: str) -> list[str]:
    """A second row for an earlier run of the same search, when the results carry one."""
    old = sec.get("earlier_run")
    if not old:
        return []
    s = old["seconds"]
    return [
        f"| {', '.join(f'{x:.1f}' for x in s['single_fits_sum'])} | "
        f"{', '.join(f'{x:.1f}' for x in s['gridsearch_n_jobs_1'])} | "
        f"{', '.join(f'{x:.1f}' for x in s[par])} | {old['overhead_ratio']:.2f} (earlier run) | "
        f"{old['parallel_speedup']:.2f}x |"
    ]


def _gpu(sec: dict[str, Any]) -> list[str]:
    if "fit" not in sec:
        return ["## 5. GPU (JAX backend, 1M x 64, 512x512 MLP)", "", sec.get("status", ""), ""]
    cfg, m = sec["config"], sec["machine"]
    fits, reference = sec["fit"], sec["fit"]["plain_keras"]
    lines = [
        f"## 5. GPU ({m.get('device_kind', 'GPU')}, JAX {m.get('jax')} backend, "
        f"{cfg['rows']:,} x {cfg['features']}, MLP {cfg['hidden']}, {cfg['epochs']} epochs, "
        f"batch {cfg['batch_size']}; median of {cfg['repeats']} repeats)",
        "",
        f"Command: `{sec.get('command', 'python benchmarks/bench_gpu.py')}`, finished "
        f"{sec.get('finished_utc', '-')}; Keras {m.get('keras')}, scikit-learn "
        f"{m.get('scikit_learn')}, SciKeras {m.get('scikeras')}. Samples are the user's rows; "
        "the over-samplers train on more rows per epoch (last column). The whole fit includes "
        "building and compiling each fresh model; the last epoch is the steady state.",
        "",
        "| contender | samples/s, whole fit | ratio | samples/s, last epoch | ratio "
        "| rows trained on/s, last epoch |",
        "|---|---|---|---|---|---|",
    ]
    for label, f in fits.items():
        trained = f.get("last_epoch_trained_rows_per_s")
        lines.append(
            f"| {label} | {f['samples_per_s']:,.0f} | "
            f"{f['samples_per_s'] / reference['samples_per_s']:.2f} | "
            f"{f['last_epoch_samples_per_s']:,.0f} | "
            f"{f['last_epoch_samples_per_s'] / reference['last_epoch_samples_per_s']:.2f} | "
            f"{f'{trained:,.0f}' if trained else '-'} |"
        )
    predict = sec.get("predict_seconds", {})
    sizes = sorted({n for times in predict.values() for n in times}, key=int)
    lines += [
        "",
        "Prediction, fastest of 3 calls after a compiling call, seconds:",
        "",
        "| method | " + " | ".join(f"{int(n):,} rows" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for label, times in predict.items():
        cells = [f"{times[n]:.4f}" if n in times else "-" for n in sizes]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Goal: {sec['goal']}: {_goal(sec['goal_met'])}. Stretch: {sec['goal_stretch']}: "
        f"{_goal(sec['goal_stretch_met'])}.",
        "",
    ]
    return lines


def _summary(sections: dict[str, Any]) -> list[str]:
    """One row per goal: the measured figure and whether the goal is met."""
    rows = []
    if "fit" in sections:
        ratios = {k: v["skweight"]["ratio"] for k, v in sections["fit"]["strategies"].items()}
        worst = max(ratios, key=ratios.get)
        rows.append(
            (
                "1 fit, skweight / plain Keras <= 1.00, every strategy",
                f"worst {ratios[worst]:.2f} ({worst})",
                sections["fit"]["goal_met"],
            )
        )
    if "predict" in sections:
        sec = sections["predict"]
        one = sec["latency_ms"].get("1", {}).get("skweight.predict_proba")
        rows.append(
            (
                "2 predict_proba 1 row <= 1 ms",
                f"{one:.2f} ms" if one else "-",
                sec["goals"]["one_row_le_1ms"],
            )
        )
        big = [
            f"{int(n):,}: {t['skweight.predict_proba']['seconds']:.2f} s vs "
            f"{t['model.predict(batch_size=8192)']['seconds']:.2f} s"
            for n, t in sec["throughput"].items()
        ]
        rows.append(
            (
                "2 large inputs as fast as model.predict(batch_size=8192)",
                "; ".join(big),
                sec["goals"]["large_at_least_as_fast_as_model_predict"],
            )
        )
    if "memory" in sections:
        res = sections["memory"]["results"]
        per = [v for k, v in res.items() if "per_epoch" in k and "peak_ratio" in v]
        rows.append(
            (
                "3 per-epoch over-sampling peak <= 1.1x unweighted",
                f"{per[0]['peak_ratio']:.2f}x" if per else "-",
                sections["memory"]["goal_met"],
            )
        )
    if "search" in sections:
        sec = sections["search"]
        rows.append(
            (
                "4 GridSearchCV / single fits <= 1.05",
                f"{sec['overhead_ratio']:.2f} (n_jobs=2 speed-up {sec['parallel_speedup']:.2f}x)",
                sec["goal_met"],
            )
        )
    if "gpu" in sections:
        sec = sections["gpu"]
        measured = sec.get("status", "")
        if "fit" in sec:
            reference = sec["fit"]["plain_keras"]["samples_per_s"]
            ratios = {
                k.removeprefix("skweight weighting="): v["samples_per_s"] / reference
                for k, v in sec["fit"].items()
                if k.startswith("skweight")
            }
            measured = f"{sec['machine'].get('device_kind', 'GPU')}, whole fit: " + ", ".join(
                f"{k} {r:.2f}x" for k, r in ratios.items()
            )
        rows.append(("5 GPU: skweight >= plain Keras samples/s", measured, sec.get("goal_met")))
    if "quality" in sections:
        sec = sections["quality"]
        picked = sec["mean_normalised_cost"].get("picked")
        rows.append(
            (
                f"6 {sec.get('goal', 'picked strategy: mean normalised cost')}",
                f"{picked:.3f}" if picked is not None else "-",
                sec["goal_met"],
            )
        )
    if "fused" in sections:
        g = sections["fused"].get("goals", {})
        rows.append((
            "7 fused / sequential <= 0.1x (command defaults, 4,000-row search), command < 15 s, "
            "costs agree",
            f"command {_number(g.get('cli_ratio_max'))}x, search "
            f"{_number(g.get('search_ratio_max'))}x, command "
            f"{_number(g.get('cli_fused_wall_seconds_max'))} s, costs agree: "
            f"{g.get('costs_agree')}",
            sections["fused"].get("goal_met"),
        ))  # fmt: skip
    if "dense" in sections:
        sec = sections["dense"]
        fit = sec["fit"]
        rows.append(
            (
                "8 dense fit (masks), skweight / plain Keras <= 1.00",
                f"balanced {fit['skweight balanced']['ratio']:.2f}, unweighted "
                f"{fit['skweight unweighted']['ratio']:.2f}",
                sec["goals_met"]["fit"],
            )
        )
        peak = sec["memory"].get('skweight "balanced" (per-pixel, batch by batch)', {})
        rows.append(
            (
                '8 dense "balanced" peak <= 1.1x unweighted',
                f"{peak['peak_ratio']:.3f}x" if "peak_ratio" in peak else "-",
                sec["goals_met"]["memory"],
            )
        )
    lines = ["## Goals", "", "| goal | measured | met |", "|---|---|---|"]
    lines += [f"| {goal} | {value} | {_goal(met)} |" for goal, value, met in rows]
    return lines + [""]


def _fused(section: dict[str, Any]) -> list[str]:
    """Section 7: fused against sequential comparison engine."""
    lines = ["## 7. Fused comparison engine against sequential (one run, both engines)", "",
             "| job | backend | fused s | sequential s | ratio | fused process s | fused peak MiB "
             "| costs agree |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    jobs = [("skweight compare (defaults)", section.get("cli", {})),
            ("6 strategies x 5 folds, 4,000 x 30", section.get("search", {}))]  # fmt: skip
    jobs += [(f"KEEL {name}", {"tensorflow": r}) for name, r in section.get("keel", {}).items()]
    if "custom_search" in section:
        jobs.append(("the same search, the network as a build function", section["custom_search"]))
    if "images" in section:
        jobs.append(("`--data digits-images` (`small_cnn`, a network of its own)",
                     section["images"]))  # fmt: skip
    for label, by_backend in jobs:
        for backend, r in by_backend.items():
            if "ratio" not in r:
                lines.append(f"| {label} | {backend} | failed | | | | | |")
                continue
            f, s = r["fused"], r["sequential"]
            lines.append(
                f"| {label} | {backend} | {_runs(f)} | {_runs(s)} | "
                f"{r['ratio']:.3f} | {f['wall_seconds']:.1f} | {f['peak_rss_mib']:.0f} | "
                f"{'yes' if r['all_agree'] else 'no'} |"
            )
    lines += [
        "",
        f"Goals (fused <= 0.1x sequential, command < 15 s, costs within the two "
        f"standard errors): {section.get('goals')}; met: {section.get('goal_met')}.",
        "",
    ]
    return lines


def _runs(run: dict[str, Any]) -> str:
    """An engine's seconds: the median, and every run's when it ran more than once."""
    every = run.get("seconds_all", [])
    if len(every) < 2:
        return f"{run['seconds']:.1f}"
    return f"{run['seconds']:.1f} ({', '.join(f'{x:.1f}' for x in every)})"


def _dense(sec: dict[str, Any]) -> list[str]:
    """Section 8: dense targets (masks)."""
    cfg, fit = sec["config"], sec["fit"]
    mem = cfg["memory"]
    lines = [
        f"## 8. Dense targets: masks with a small U-Net ({cfg['n_images']:,} masks of "
        f"{cfg['size']}x{cfg['size']}, `small_unet` filters {tuple(cfg['filters'])}, "
        f"{cfg['epochs']} epochs, batch {cfg['batch_size']}; median of {cfg['repeats']} "
        "interleaved repeats)",
        "",
        f"`make_segmentation({cfg['n_images']}, {cfg['size']}, random_state=0)`: "
        f"{100 * sec['positive_pixel_fraction']:.2f}% positive pixels, "
        f'{100 * sec["empty_mask_fraction"]:.0f}% empty masks; `"balanced"` class factors '
        f"(normalised) {', '.join(f'{w:.3g}' for w in sec['class_weight'])}. Plain Keras gets "
        "`y[..., None]` as float32 and the per-pixel weight map `W` made up front (float32, "
        "the masks' shape); skweight builds each batch's weights from its labels "
        "(largest difference between `W` and skweight's factors: "
        f"{_number(sec.get('weight_map_max_difference'))}). Both compile with "
        f"`default_compile_kwargs() = {sec['default_compile_kwargs']}` unless marked "
        '"Keras default compile".',
        "",
        "| contender | s | ratio (min-max) | ratio to |",
        "|---|---|---|---|",
    ]
    first = next(iter(fit))
    for label, t in fit.items():
        bold = label.startswith("skweight")
        ratio = f"**{t['ratio']:.2f}**" if bold else f"{t['ratio']:.2f}"
        lines.append(
            f"| {label} | {t['seconds']:.1f} | {ratio} ({t['ratio_min']:.2f}-"
            f"{t['ratio_max']:.2f}) | {t.get('reference', first)} |"
        )
    lines += [
        "",
        f"Goal: {sec['goals']['fit']}: {_goal(sec['goals_met']['fit'])}.",
        "",
        f"Peak memory ({mem['n_images']:,} masks of {mem['size']}x{mem['size']}, "
        f"{mem['epochs']} epoch(s); one process each):",
        "",
        "| configuration | baseline MiB | peak MiB | fit's increase MiB | increase / skweight "
        "unweighted | peak / skweight unweighted |",
        "|---|---|---|---|---|---|",
    ]
    for label, f in sec["memory"].items():
        if "error" in f:
            lines.append(f"| {label} | failed: {f['error']} | | | | |")
            continue
        lines.append(
            f"| {label} | {f['baseline_mib']:.0f} | {f['peak_mib']:.0f} | "
            f"{f['increase_mib']:.0f} | {f.get('increase_ratio', 1):.2f} | "
            f"{f.get('peak_ratio', 1):.3f} |"
        )
    lines += ["", f"Goal: {sec['goals']['memory']}: {_goal(sec['goals_met']['memory'])}.", ""]
    lines += _dense_scikeras(sec["scikeras"])
    return lines


def _dense_scikeras(sk: dict[str, Any]) -> list[str]:
    if "masks" not in sk:
        return [f"SciKeras: {sk.get('status', '-')}.", ""]
    lines = ["SciKeras `KerasClassifier` with the same U-Net:", "", "| input | result |",
             "|---|---|"]  # fmt: skip
    for label, r in sk["masks"].items():
        result = r["result"] + (f" ({r['seconds']:.1f} s)" if "seconds" in r else "")
        lines.append(f"| {label} | {result.replace('|', '/')} |")
    per_image = sk["per_image"]
    lines.append("")
    if "timings" not in per_image:
        return lines + [f"Per-image labels with `small_cnn`: {per_image['result']}.", ""]
    lines += [
        f"Where it runs: per-image labels (the mask has an object: {per_image['positive_images']} "
        'images) with `small_cnn` on the same 4-D images, `"balanced"` per-image weights; '
        "plain Keras and SciKeras at Keras' default compile settings, skweight at its own:",
        "",
        "| contender | s | ratio to plain Keras (min-max) |",
        "|---|---|---|",
    ]
    for label, t in per_image["timings"].items():
        lines.append(
            f"| {label} | {t['seconds']:.1f} | {t['ratio']:.2f} "
            f"({t['ratio_min']:.2f}-{t['ratio_max']:.2f}) |"
        )
    return lines + [""]


def _number(value) -> str:
    return "-" if value is None else f"{value:.2g}"


def write_markdown(results: dict[str, Any], path: Path) -> None:
    """Write the tables of every section present in ``results`` to ``path``."""
    m = results["machine"]
    lines = [
        "# skweight benchmark results",
        "",
        f"Machine: {m.get('cpu')}, {m.get('cpu_count')} cores, {m.get('memory_gib')} GiB; "
        f"{m.get('platform')}; Python {m.get('python')}; Keras {m.get('keras')} "
        f"({m.get('keras_backend')} backend), TensorFlow {m.get('tensorflow')}, scikit-learn "
        f"{m.get('scikit_learn')}, SciKeras {m.get('scikeras')}. Load average at start "
        f"{m.get('load_average_at_start')}, at end {m.get('load_average_at_end')}; "
        "the machine is shared, so timings are noisy: figures "
        "are ratios taken within the same repeat, medians over repeats.",
        "",
        f"Command: `{results['command']}` (mode `{results['mode']}`), finished "
        f"{results.get('finished_utc')}, {results.get('total_seconds', 0) / 60:.0f} min.",
        "",
    ]
    lines += _summary(results["sections"])
    render = {
        "fit": _fit,
        "jax": _jax,
        "predict": _predict,
        "memory": _memory,
        "search": _search,
        "gpu": _gpu,
        "quality": _quality,
        "fused": _fused,
        "dense": _dense,
    }
    for name in ("fit", "jax", "predict", "memory", "search", "gpu", "quality", "fused", "dense"):
        if name in results["sections"]:
            lines += render[name](results["sections"][name])
    path.write_text("\n".join(lines).rstrip() + "\n" + _hand_written(path))


#: The heading from which ``RESULTS.md`` is written by hand (how each run was made, findings);
#: a regenerated file keeps that part as it was.
HAND_WRITTEN = "## How this run was made"


def _hand_written(path: Path) -> str:
    text = path.read_text() if path.exists() else ""
    at = text.find(HAND_WRITTEN)
    return "" if at < 0 else "\n" + text[at:]


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("results.json"))
    write_markdown(json.loads(source.read_text()), source.with_name("RESULTS.md"))
