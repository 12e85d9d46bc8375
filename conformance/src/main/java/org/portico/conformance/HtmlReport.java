package org.portico.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A self-contained HTML page (no scripts, no external files) with the outcome of every check, grouped
 * by class: its checklist id, name, outcome and reason, and the last HTTP exchanges it made (redacted),
 * open for the checks that failed.
 */
public final class HtmlReport {

    private HtmlReport() {}

    public static void write(Path file, String target, ReportListener results, Instant startedAt) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, render(target, results, startedAt));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the report " + file, e);
        }
    }

    static String render(String target, ReportListener results, Instant startedAt) {
        StringBuilder h = new StringBuilder(64 * 1024);
        long failed = results.count(ReportListener.Outcome.FAILED);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Portico conformance report: ").append(esc(results.summary())).append("</title>")
                .append("<style>").append(CSS).append("</style></head><body>\n");
        h.append("<header><h1>SMART on FHIR conformance report</h1>")
                .append("<p class=\"target\">Server under test: <code>").append(esc(target)).append("</code><br>")
                .append("Run started ").append(esc(startedAt.truncatedTo(ChronoUnit.SECONDS).toString()))
                .append(" by the Portico conformance kit</p>")
                .append("<p class=\"summary ").append(failed > 0 ? "bad" : "good").append("\">")
                .append(badge(ReportListener.Outcome.PASSED, results.count(ReportListener.Outcome.PASSED) + " passed"))
                .append(badge(ReportListener.Outcome.FAILED, failed + " failed"))
                .append(badge(ReportListener.Outcome.SKIPPED, results.count(ReportListener.Outcome.SKIPPED) + " skipped"))
                .append("</p></header>\n<main>\n");
        List<ReportListener.Result> failures = results.results().stream()
                .filter(r -> r.outcome() == ReportListener.Outcome.FAILED).toList();
        if (!failures.isEmpty()) {
            h.append("<section class=\"failures\"><h2>Failed checks</h2><ul>");
            for (ReportListener.Result r : failures) {
                h.append("<li><a href=\"#").append(esc(anchor(r))).append("\">").append(esc(r.className()))
                        .append(": ").append(esc(r.displayName())).append("</a></li>");
            }
            h.append("</ul></section>\n");
        }
        h.append("<nav aria-label=\"Classes\"><ul>");
        for (ReportListener.Group group : results.groups()) {
            h.append("<li><a href=\"#").append(esc(group.className())).append("\">").append(esc(group.className()))
                    .append("</a> ").append(counts(group.results())).append("</li>");
        }
        h.append("</ul></nav>\n");
        for (ReportListener.Group group : results.groups()) {
            h.append("<section id=\"").append(esc(group.className())).append("\"><h2>").append(esc(group.className()))
                    .append(" <small>").append(counts(group.results())).append("</small></h2>\n");
            if (group.setUpFailure() != null) {
                h.append("<pre class=\"reason\">").append(esc(group.setUpFailure())).append("</pre>");
            }
            if (!group.setUp().isEmpty()) {
                h.append("<details class=\"setup\"").append(group.setUpFailure() != null ? " open" : "")
                        .append("><summary>Set-up exchanges of this class (").append(group.setUp().size())
                        .append(")</summary>");
                exchanges(h, group.setUp());
                h.append("</details>");
            }
            h.append("<table><thead><tr><th scope=\"col\">Result</th><th scope=\"col\">Id</th><th scope=\"col\">Check</th>")
                    .append("<th scope=\"col\">Time</th></tr></thead><tbody>\n");
            for (ReportListener.Result r : group.results()) {
                h.append("<tr id=\"").append(esc(anchor(r))).append("\" class=\"")
                        .append(r.outcome().name().toLowerCase(java.util.Locale.ROOT)).append("\"><td>")
                        .append(badge(r.outcome(), r.outcome().name().toLowerCase(java.util.Locale.ROOT)))
                        .append("</td><td class=\"id\">").append(esc(r.id()))
                        .append("</td><td><div class=\"name\">").append(esc(r.displayName().substring(r.id().length()).trim()))
                        .append("</div><div class=\"method\">").append(esc(r.className() + "." + r.method())).append("</div>");
                if (r.reason() != null) {
                    h.append("<pre class=\"reason\">").append(esc(cut(r.reason(), 3000))).append("</pre>");
                }
                if (!r.exchanges().isEmpty()) {
                    h.append("<details").append(r.outcome() == ReportListener.Outcome.FAILED ? " open" : "")
                            .append("><summary>HTTP: ").append(r.exchanges().size() == 1 ? "the exchange" : "the last "
                                    + r.exchanges().size() + " exchanges").append(" of this check</summary>");
                    exchanges(h, r.exchanges());
                    h.append("</details>");
                }
                h.append("</td><td class=\"time\">").append(r.duration().toMillis()).append(" ms</td></tr>\n");
            }
            h.append("</tbody></table></section>\n");
        }
        h.append("</main><footer>Tokens, codes, secrets, passwords and cookies are redacted. ")
                .append("Bodies are cut after ").append(ExchangeLog.MAX_BODY).append(" characters.</footer></body></html>\n");
        return h.toString();
    }

    private static void exchanges(StringBuilder h, List<ExchangeLog.Exchange> exchanges) {
        for (ExchangeLog.Exchange x : exchanges) {
            h.append("<div class=\"exchange\"><div class=\"request\"><b>").append(esc(x.method())).append("</b> ")
                    .append(esc(x.uri())).append("<pre>").append(esc(String.join("\n", x.requestHeaders())));
            if (x.requestBody() != null && !x.requestBody().isEmpty()) {
                h.append("\n\n").append(esc(x.requestBody()));
            }
            h.append("</pre></div><div class=\"response\">");
            if (x.status() < 0) {
                h.append("<b>no response</b><pre>").append(esc(x.error())).append("</pre>");
            } else {
                h.append("<b class=\"").append(x.status() >= 500 ? "s5" : x.status() >= 400 ? "s4" : "s2").append("\">")
                        .append(x.status()).append("</b><pre>").append(esc(String.join("\n", x.responseHeaders())));
                if (x.responseBody() != null && !x.responseBody().isEmpty()) {
                    h.append("\n\n").append(esc(x.responseBody()));
                }
                h.append("</pre>");
            }
            h.append("</div></div>");
        }
    }

    private static String anchor(ReportListener.Result r) {
        return r.className() + "." + r.method() + "." + Integer.toHexString(r.displayName().hashCode());
    }

    private static String counts(List<ReportListener.Result> results) {
        long p = results.stream().filter(r -> r.outcome() == ReportListener.Outcome.PASSED).count();
        long f = results.stream().filter(r -> r.outcome() == ReportListener.Outcome.FAILED).count();
        long s = results.stream().filter(r -> r.outcome() == ReportListener.Outcome.SKIPPED).count();
        return "<span class=\"counts\">" + p + " passed" + (f > 0 ? ", <span class=\"f\">" + f + " failed</span>" : "")
                + (s > 0 ? ", " + s + " skipped" : "") + "</span>";
    }

    private static String badge(ReportListener.Outcome outcome, String text) {
        return "<span class=\"badge " + outcome.name().toLowerCase(java.util.Locale.ROOT) + "\">" + esc(text) + "</span>";
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "\n...";
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
            header{background:#fff;border-bottom:1px solid #d8dce1;padding:1.2rem 2rem}
            h1{margin:0 0 .3rem;font-size:1.5rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
            h2 small{font-weight:normal;font-size:.85rem;color:#4b5563;margin-left:.5rem}
            main{padding:0 2rem 2rem;max-width:1400px}.target{margin:.2rem 0;color:#374151}
            .summary{font-size:1.15rem;margin:.6rem 0 0}.summary .badge{font-size:1rem;padding:.25rem .7rem;margin-right:.5rem}
            nav ul{list-style:none;padding:0;margin:1rem 0;columns:3}nav li{margin:.15rem 0}
            a{color:#0b57d0}.counts .f{color:#a4161a;font-weight:600}
            table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d8dce1}
            th,td{text-align:left;vertical-align:top;padding:.45rem .6rem;border-bottom:1px solid #e5e7eb}
            th{background:#eef0f3;font-size:.85rem}td.id{white-space:nowrap;font-weight:600}td.time{white-space:nowrap;color:#4b5563;font-size:.85rem}
            .badge{display:inline-block;border-radius:999px;padding:.1rem .55rem;font-size:.8rem;font-weight:700;color:#fff}
            .badge.passed{background:#1a7f37}.badge.failed{background:#b42318}.badge.skipped{background:#6b7280}
            tr.failed td{background:#fff5f5}.method{font:12px ui-monospace,monospace;color:#4b5563}
            pre{white-space:pre-wrap;word-break:break-word;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;margin:.3rem 0}
            pre.reason{background:#fff;border-left:3px solid #9ca3af;padding:.3rem .6rem}tr.failed pre.reason{border-color:#b42318}
            details{margin:.3rem 0}summary{cursor:pointer;color:#0b57d0;font-size:.9rem}
            .exchange{display:grid;grid-template-columns:1fr 1fr;gap:.6rem;border:1px solid #e5e7eb;border-radius:6px;padding:.5rem;margin:.4rem 0;background:#fbfbfc}
            .exchange b{font-family:ui-monospace,monospace}.request{word-break:break-all}
            .s2{color:#1a7f37}.s4{color:#9a6700}.s5{color:#b42318}
            .failures{background:#fff5f5;border:1px solid #f1b5b5;border-radius:6px;padding:.2rem 1rem;margin-top:1rem}
            .failures h2{color:#a4161a;margin:.6rem 0 .3rem}
            footer{padding:1rem 2rem;color:#4b5563;font-size:.85rem}
            """;
}
