package org.portico.auth.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.portico.smart.scope.Interaction;
import org.portico.smart.scope.ResourceScope;
import org.portico.smart.scope.Restriction;
import org.portico.smart.scope.StandardScope;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Component;

/**
 * Plain-language descriptions of scopes for the consent, connected-apps and access-log pages, in the
 * request's language (texts {@code scope.*} and {@code category.*} in {@code i18n/messages*.properties}).
 */
@Component
public class ScopeDescriptions {

    private final MessageSource messages;

    public ScopeDescriptions(MessageSource messages) {
        this.messages = messages;
    }

    /** e.g. "Read and search your lab results and vital signs (Observation)". */
    public String describe(ResourceScope scope) {
        Locale locale = LocaleContextHolder.getLocale();
        String type = scope.isWildcard() ? text("scope.allTypes", locale) : scope.resourceType();
        String sentence = text("scope.describe", locale, verbs(scope, locale), what(scope.resourceType()), type);
        if (scope.isRestricted()) {
            sentence += text("scope.onlyWhere", locale, scope.restrictions().stream()
                    .map(r -> GranularCategories.find(scope.resourceType(), r)
                            .map(c -> text("scope.categoryIs", locale, name(c, locale)))
                            .orElseGet(() -> restriction(r, locale)))
                    .collect(Collectors.joining(text("scope.and", locale))));
        }
        return sentence;
    }

    /** The data of a resource scope in plain words, e.g. "your lab results and vital signs". */
    public String what(ResourceScope scope) {
        return what(scope.resourceType());
    }

    /** The data of a resource type in plain words, e.g. "your lab results and vital signs" ({@code *}: all of them). */
    public String what(String resourceType) {
        Locale locale = LocaleContextHolder.getLocale();
        String key = "scope.type." + ("*".equals(resourceType) ? "all" : resourceType);
        String known = messages.getMessage(key, null, null, locale);
        return known != null ? known : text("scope.type.other", locale, resourceType);
    }

    /** A category box: the category's name and what it means, e.g. "Laboratory: lab results, ...". */
    public String category(ResourceScope granular) {
        Locale locale = LocaleContextHolder.getLocale();
        Restriction last = granular.restrictions().get(granular.restrictions().size() - 1);
        return GranularCategories.find(granular.resourceType(), last)
                .map(c -> text("category.label", locale, name(c, locale), text(key(c) + ".explanation", locale)))
                .orElseGet(() -> restriction(last, locale));
    }

    /** A sensitive-data class of the consent page ({@code sensitive.<code>} in {@code i18n/proxy*.properties}). */
    public String sensitiveClass(String code) {
        return messages.getMessage("sensitive." + code, null, code, LocaleContextHolder.getLocale());
    }

    public String describe(StandardScope scope) {
        return text("scope.standard." + scope.name(), LocaleContextHolder.getLocale());
    }

    /**
     * The category's official name (the certification criterion's words), followed in other languages by
     * its translation: "Laboratorio (Laboratory)".
     */
    private String name(GranularCategories.Category category, Locale locale) {
        String translated = text(key(category) + ".name", locale);
        return translated.equals(category.name()) ? translated : translated + " (" + category.name() + ")";
    }

    private static String key(GranularCategories.Category category) {
        return "category." + category.resourceType() + "." + category.code();
    }

    private String verbs(ResourceScope scope, Locale locale) {
        List<Interaction> allowed = new ArrayList<>();
        // read and search first: that is what patients grant most
        for (Interaction i : List.of(Interaction.READ, Interaction.SEARCH, Interaction.CREATE, Interaction.UPDATE, Interaction.DELETE)) {
            if (scope.allows(i)) {
                allowed.add(i);
            }
        }
        List<String> words = allowed.stream().map(i -> text("scope.verb." + i.name(), locale)).toList();
        String joined = words.size() == 1
                ? words.get(0)
                : text("scope.list", locale, String.join(", ", words.subList(0, words.size() - 1)), words.get(words.size() - 1));
        return joined.substring(0, 1).toUpperCase(locale) + joined.substring(1);
    }

    private String restriction(Restriction r, Locale locale) {
        String value = r.value();
        int bar = value.lastIndexOf('|');
        return text("scope.parameterIs", locale, r.parameter(), bar >= 0 ? value.substring(bar + 1) : value);
    }

    private String text(String key, Locale locale, Object... args) {
        return messages.getMessage(key, args, locale);
    }
}
