package org.portico.auth.web;

import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The two links of the language switch ({@code fragments/lang.html}): the current page with its query
 * kept (the consent page's parameters must survive) and {@code lang} set.
 */
@ControllerAdvice
class LanguageLinks {

    @ModelAttribute("langEn")
    String english() {
        return link("en");
    }

    @ModelAttribute("langEs")
    String spanish() {
        return link("es");
    }

    private static String link(String language) {
        return ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam(LocaleConfig.PARAM, language)
                .build()
                .toUriString();
    }
}
