package org.portico.auth.account;

import java.util.Locale;
import org.portico.auth.consent.ScopeDescriptions;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * One access-log entry in plain language, with the data words of the consent page
 * ({@link ScopeDescriptions#what(String)}): "Read your personal details", "Searched your lab results
 * and vital signs (12 found)", "Was refused access to your medications and prescriptions" (texts
 * {@code access.*}).
 */
@Component
public class AccessDescriptions {

    private final MessageSource messages;
    private final ScopeDescriptions scopes;

    public AccessDescriptions(MessageSource messages, ScopeDescriptions scopes) {
        this.messages = messages;
        this.scopes = scopes;
    }

    /** What happened, as a sentence whose subject is the app (shown above it). */
    public String describe(AccessEntry entry) {
        Locale locale = LocaleContextHolder.getLocale();
        String what = entry.resourceType() == null ? text("access.yourRecord", locale) : scopes.what(entry.resourceType());
        if (!entry.succeeded()) {
            return switch (failure(entry)) {
                case "refused" -> text("access.refused", locale, what);
                case "notFound" -> text("access.notFound", locale, what);
                case "serverError" -> text("access.serverError", locale, text("access.verb." + verb(entry.interaction()), locale, what));
                default -> text("access.notAccepted", locale, text("access.verb." + verb(entry.interaction()), locale, what));
            };
        }
        String interaction = entry.interaction() == null ? "" : entry.interaction();
        return switch (interaction) {
            case "read", "vread" -> text("access.read", locale, what);
            case "search-type", "search-system", "search", "search-compartment" ->
                    text("access.searched", locale, what, entry.resourceCount());
            case "history-instance", "history-type", "history-system" -> text("access.history", locale, what);
            case "create" -> text("access.created", locale, what);
            case "update", "patch" -> text("access.changed", locale, what);
            case "delete" -> text("access.deleted", locale, what);
            case "operation" -> text("access.usedCounted", locale, what, entry.resourceCount());
            default -> text("access.used", locale, what);
        };
    }

    /** The outcome in one word: Allowed, Refused, Not found, Failed. */
    public String outcome(AccessEntry entry) {
        String key = entry.succeeded() ? "allowed" : switch (failure(entry)) {
            case "refused" -> "refused";
            case "notFound" -> "notFound";
            default -> "failed";
        };
        return text("access.outcome." + key, LocaleContextHolder.getLocale());
    }

    private static String failure(AccessEntry entry) {
        int status = entry.httpStatus();
        if (status == 401 || status == 403 || (status == 0 && "4".equals(entry.outcome()))) {
            return "refused";
        }
        if (status == 404 || status == 410) {
            return "notFound";
        }
        if ("8".equals(entry.outcome()) || status >= 500) {
            return "serverError";
        }
        return "other";
    }

    private static String verb(String interaction) {
        if (interaction == null) {
            return "use";
        }
        return switch (interaction) {
            case "read", "vread" -> "read";
            case "search-type", "search-system", "search", "search-compartment" -> "search";
            case "history-instance", "history-type", "history-system" -> "history";
            case "create" -> "create";
            case "update", "patch" -> "change";
            case "delete" -> "delete";
            default -> "use";
        };
    }

    private String text(String key, Locale locale, Object... args) {
        return messages.getMessage(key, args, locale);
    }
}
