package org.portico.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Does a resource match a search parameter value? As Inferno checks every returned resource: string =
 * case-insensitive starts-with on any part of a name or address, token = code or {@code system|code} (a
 * comma means OR), reference = ends with {@code Type/id}, date = the resource's range against the
 * parameter's range with its precision and prefix ({@code eq} as overlap, as Inferno accepts).
 */
final class SearchMatch {

    private SearchMatch() {}

    /** Null when {@code resource} matches {@code param=value}, else why not. */
    static String mismatch(JsonNode resource, UsCorePackage.SearchParam param, String value) {
        List<JsonNode> values = FhirJson.evaluate(resource, param.expression());
        boolean match = switch (param.type()) {
            case "reference" -> values.stream().anyMatch(v -> referenceMatches(v.path("reference").asText(), value));
            case "token" -> anyOf(value).stream().anyMatch(t -> values.stream().anyMatch(v -> tokenMatches(v, t)));
            case "string" -> anyOf(value).stream().anyMatch(s -> values.stream().anyMatch(v -> stringMatches(v, s)));
            case "date" -> values.stream().anyMatch(v -> dateMatches(v, value));
            default -> true; // not checked
        };
        if (match) {
            return null;
        }
        return resource.path("resourceType").asText() + "/" + resource.path("id").asText() + " does not match "
                + param.code() + "=" + value + " (" + param.expression() + " = " + values + ")";
    }

    private static List<String> anyOf(String value) {
        List<String> out = new ArrayList<>();
        for (String v : value.split("(?<!\\\\),")) {
            out.add(v.replace("\\,", ","));
        }
        return out;
    }

    static boolean referenceMatches(String reference, String value) {
        String wanted = value.contains("/") ? value : "/" + value;
        String ref = reference.replaceAll("/_history/[^/]+$", "");
        return ref.equals(value) || ref.endsWith(wanted);
    }

    static boolean tokenMatches(JsonNode v, String token) {
        String system = null;
        String code = token;
        int bar = token.indexOf('|');
        if (bar >= 0) {
            system = token.substring(0, bar);
            code = token.substring(bar + 1);
        }
        if (v.isValueNode()) {
            return system == null && v.asText().equals(code);
        }
        if (v.has("coding") || v.has("text")) {
            for (JsonNode coding : v.path("coding")) {
                if (codingMatches(coding.path("system").asText(null), coding.path("code").asText(null), system, code)) {
                    return true;
                }
            }
            return false;
        }
        if (v.has("code")) {
            return codingMatches(v.path("system").asText(null), v.path("code").asText(null), system, code);
        }
        if (v.has("value")) { // Identifier
            return codingMatches(v.path("system").asText(null), v.path("value").asText(null), system, code);
        }
        return false;
    }

    private static boolean codingMatches(String hasSystem, String hasCode, String system, String code) {
        if (hasCode == null || !hasCode.equals(code)) {
            return false;
        }
        if (system == null) {
            return true;
        }
        return system.isEmpty() ? hasSystem == null : system.equals(hasSystem);
    }

    static boolean stringMatches(JsonNode v, String s) {
        String wanted = FhirJson.lower(s);
        List<String> texts = new ArrayList<>();
        collectText(v, texts);
        return texts.stream().map(FhirJson::lower).anyMatch(t -> t.startsWith(wanted));
    }

    private static void collectText(JsonNode v, List<String> out) {
        if (v.isTextual()) {
            out.add(v.asText());
        } else if (v.isArray()) {
            v.forEach(x -> collectText(x, out));
        } else if (v.isObject()) {
            v.fields().forEachRemaining(f -> {
                if (!List.of("use", "period", "extension", "id", "type").contains(f.getKey())) {
                    collectText(f.getValue(), out);
                }
            });
        }
    }

    // ---- dates ----

    /** A time range [start, end) of a FHIR date, dateTime, instant or Period; open ends are far away. */
    record Range(Instant start, Instant end) {}

    static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant MAX = Instant.parse("9999-12-31T23:59:59Z");

    static Range range(JsonNode v) {
        if (v.isTextual()) {
            return range(v.asText());
        }
        if (v.has("start") || v.has("end")) {
            Instant start = v.has("start") ? range(v.path("start").asText()).start() : MIN;
            Instant end = v.has("end") ? range(v.path("end").asText()).end() : MAX;
            return new Range(start, end);
        }
        return null;
    }

    /** The range a FHIR date/dateTime string stands for, at its precision (no zone: UTC). */
    static Range range(String s) {
        try {
            if (s.length() == 4) {
                Instant start = LocalDate.of(Integer.parseInt(s), 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
                return new Range(start, LocalDate.of(Integer.parseInt(s) + 1, 1, 1).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (s.length() == 7) {
                YearMonth ym = YearMonth.parse(s);
                return new Range(ym.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                        ym.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            if (s.length() == 10) {
                LocalDate d = LocalDate.parse(s);
                return new Range(d.atStartOfDay().toInstant(ZoneOffset.UTC), d.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
            }
            String withZone = s.matches(".*(Z|[+-]\\d\\d:\\d\\d)$") ? s : s + "Z";
            Instant t = OffsetDateTime.parse(withZone).toInstant();
            int precisionSeconds = s.matches("^[^.]*T\\d\\d:\\d\\d:\\d\\d.*") ? 1 : 60;
            return new Range(t, t.plusSeconds(precisionSeconds));
        } catch (DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    static boolean dateMatches(JsonNode v, String value) {
        Range has = range(v);
        boolean prefixed = value.length() > 2 && Character.isLetter(value.charAt(0));
        String prefix = prefixed ? value.substring(0, 2) : "eq";
        String date = prefixed ? value.substring(2) : value;
        Range wanted = range(date);
        if (has == null || wanted == null) {
            return false;
        }
        // a value without time is a day in a time zone the server chooses: allow for any zone (+-14 h)
        long slack = date.contains("T") ? 0 : 14 * 3600;
        Instant start = wanted.start().minusSeconds(slack);
        Instant end = wanted.end().plusSeconds(slack);
        return switch (prefix) {
            case "gt", "sa" -> has.end().isAfter(wanted.end().minusSeconds(slack));
            case "ge" -> has.end().isAfter(start);
            case "lt", "eb" -> has.start().isBefore(wanted.start().plusSeconds(slack));
            case "le" -> has.start().isBefore(end);
            case "ne" -> true;
            default -> has.start().isBefore(end) && has.end().isAfter(start);
        };
    }

    /** {@code date} moved by {@code days}, at its own precision and offset (Inferno's comparator values). */
    static String shift(String date, int days) {
        if (date.length() <= 10) {
            String day = date.length() == 4 ? date + "-01-01" : date.length() == 7 ? date + "-01" : date;
            return LocalDate.parse(day).plusDays(days).toString();
        }
        if (date.matches(".*(Z|[+-]\\d\\d:\\d\\d)$")) {
            return OffsetDateTime.parse(date).plusDays(days).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        }
        return java.time.LocalDateTime.parse(date).plusDays(days).format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }
}
