package org.portico.auth.web;

import org.springframework.stereotype.Component;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The link of the language switch ({@code fragments/lang.html}, as {@code ${@languageLinks.to('es')}}): the
 * current page with its query kept (the consent page's parameters must survive) and {@code lang} set.
 * Called by the template, so only pages that show the switch build it, never JSON endpoints.
 */
@Component("languageLinks")
public class LanguageLinks {

    public String to(String language) {
        return ServletUriComponentsBuilder.fromCurrentRequest()
                .replaceQueryParam(LocaleConfig.PARAM, language)
                .build()
                .toUriString();
    }
}
