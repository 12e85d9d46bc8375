package org.portico.auth.account;

import java.security.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.portico.auth.registration.RegistrationSettings;
import org.portico.smart.discovery.AuthEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The patient's connected-apps page (SMART {@code management_endpoint}): each app with access to
 * their record, and a Revoke button per app (a form POST with CSRF token, no JavaScript needed).
 */
@Controller
public class ConnectedAppsController {

    public static final String REVOKE_PATH = AuthEndpoints.MANAGEMENT_PATH + "/revoke";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    private final ConnectedApps apps;
    private final RegistrationSettings settings;
    private final MessageSource messages;

    public ConnectedAppsController(ConnectedApps apps, RegistrationSettings settings, MessageSource messages) {
        this.apps = apps;
        this.messages = messages;
        this.settings = settings;
    }

    @GetMapping(AuthEndpoints.MANAGEMENT_PATH)
    public String page(Principal principal, Model model) {
        Locale locale = LocaleContextHolder.getLocale();
        DateTimeFormatter shown = DateTimeFormatter.ofPattern(messages.getMessage("apps.dateFormat", null, locale), locale)
                .withZone(ZoneOffset.UTC);
        String unknown = messages.getMessage("apps.unknown", null, locale);
        List<AppRow> rows = apps.of(principal.getName()).stream().map(app -> AppRow.of(app, shown, unknown)).toList();
        model.addAttribute("apps", rows);
        model.addAttribute("reviewerName", settings.reviewerName());
        model.addAttribute("revokeUri", REVOKE_PATH);
        return "account/apps";
    }

    @PostMapping(REVOKE_PATH)
    public String revoke(Principal principal, @RequestParam(name = "client_id") String clientId, RedirectAttributes redirect) {
        boolean revoked = apps.revoke(principal.getName(), clientId);
        decisions.info("patient revoked app: client={} revoked={}", clientId, revoked);
        redirect.addFlashAttribute("revoked", revoked);
        return "redirect:" + AuthEndpoints.MANAGEMENT_PATH;
    }

    /** What the template shows of one app. */
    public record AppRow(
            String clientId, String name, boolean verified, List<String> resourceAccess, List<String> otherAccess,
            String since, String sinceIso, String lastToken, String lastTokenIso, boolean offlineAccess) {

        static AppRow of(ConnectedApps.ConnectedApp app, DateTimeFormatter shown, String unknown) {
            return new AppRow(app.clientId(), app.name(), app.verified(), app.resourceAccess(), app.otherAccess(),
                    app.since() == null ? unknown : shown.format(app.since()), iso(app.since()),
                    app.lastToken() == null ? unknown : shown.format(app.lastToken()), iso(app.lastToken()),
                    app.offlineAccess());
        }

        private static String iso(Instant instant) {
            return instant == null ? null : instant.toString();
        }
    }
}
