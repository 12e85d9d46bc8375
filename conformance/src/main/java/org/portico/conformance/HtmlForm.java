package org.portico.conformance;

import java.net.URI;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.jsoup.nodes.Element;

/**
 * An HTML form and what a browser would submit for it (HTML "constructing the entry list"): named,
 * enabled controls; checkboxes and radios only when checked; among buttons only the one pressed.
 */
public record HtmlForm(Element form, URI page) {

    private static final List<String> BUTTON_TYPES = List.of("submit", "button", "reset", "image");

    public URI action() {
        String action = form.attr("action");
        return action.isBlank() ? page : page.resolve(action.trim());
    }

    public String method() {
        return form.attr("method").isBlank() ? "GET" : form.attr("method").toUpperCase(Locale.ROOT);
    }

    /**
     * The entries a browser sends when {@code submitter} (may be null) is pressed, skipping the
     * controls {@code skip} rejects and with {@code values} overriding the value of named text fields.
     */
    public List<Map.Entry<String, String>> entries(Element submitter, Predicate<Element> skip, Map<String, String> values) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        for (Element control : form.select("input, select, textarea, button")) {
            String name = control.attr("name");
            if (name.isEmpty() || control.hasAttr("disabled") || skip.test(control)) {
                continue;
            }
            switch (control.tagName()) {
                case "select" -> control.select("option[selected]").forEach(o -> entries.add(entry(name, o.val())));
                case "textarea" -> entries.add(entry(name, values.getOrDefault(name, control.text())));
                case "button" -> {
                    if (control == submitter) {
                        entries.add(entry(name, control.val()));
                    }
                }
                default -> {
                    String type = control.attr("type").toLowerCase(Locale.ROOT);
                    if (BUTTON_TYPES.contains(type)) {
                        if (control == submitter) {
                            entries.add(entry(name, control.val()));
                        }
                    } else if (type.equals("checkbox") || type.equals("radio")) {
                        if (control.hasAttr("checked")) {
                            entries.add(entry(name, control.hasAttr("value") ? control.val() : "on"));
                        }
                    } else {
                        entries.add(entry(name, values.getOrDefault(name, control.val())));
                    }
                }
            }
        }
        return entries;
    }

    /** The submit buttons of the form, in document order. */
    public List<Element> submitButtons() {
        return form.select("button, input[type=submit], input[type=image]").stream()
                .filter(b -> !b.tagName().equals("button")
                        || b.attr("type").isEmpty()
                        || b.attr("type").equalsIgnoreCase("submit"))
                .toList();
    }

    /** The submission itself: URL-encoded entries, for the action URI (GET puts them in the query). */
    public static String encode(List<Map.Entry<String, String>> entries) {
        return entries.stream()
                .map(e -> HttpSession.encode(e.getKey()) + "=" + HttpSession.encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static Map.Entry<String, String> entry(String name, String value) {
        return new SimpleEntry<>(name, value);
    }
}
