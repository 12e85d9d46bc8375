package org.portico.auth.proxy;

import java.security.Principal;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * "People who can use your record" ({@value #PATH}): the patient's proxies with their level and status,
 * a form to let another account act for them (by username or email), an End access button per proxy
 * (the same path as every revocation: {@link ProxyRevocations}), and the people the user acts for.
 */
@Controller
public class ProxiesController {

    public static final String PATH = "/account/proxies";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final ProxyAccess proxies;
    private final UserAccounts users;

    public ProxiesController(ProxyAccess proxies, UserAccounts users) {
        this.proxies = proxies;
        this.users = users;
    }

    /** One row of the page. */
    public record Row(String relationshipId, String name, String level, String since, String decidedBy, String status, boolean active) {}

    @GetMapping(PATH)
    public String page(Principal principal, Model model) {
        UserAccount user = user(principal);
        List<Row> mine = proxies.proxiesOf(user.patientId()).stream()
                .filter(g -> !g.proxyUserId().equals(user.id()))
                .map(g -> new Row(g.relationshipId(), users.findById(g.proxyUserId()).map(UserAccount::displayName).orElse("?"),
                        g.level().code(), g.validFrom().atZone(ZoneOffset.UTC).toLocalDate().toString(), g.decidedBy().code(),
                        g.status().code(), g.status() == ProxyGrant.Status.ACTIVE))
                .toList();
        List<ActingFor> others = proxies.actingFor(user).stream().filter(a -> !a.self()).toList();
        model.addAttribute("mine", mine);
        model.addAttribute("others", others);
        model.addAttribute("path", PATH);
        return "account/proxies";
    }

    @PostMapping(PATH + "/grant")
    public String grant(Principal principal, @RequestParam String person, @RequestParam(defaultValue = "full") String level,
            RedirectAttributes redirect) {
        UserAccount user = user(principal);
        ProxyGrant.Level chosen;
        try {
            chosen = ProxyGrant.Level.of(level);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST);
        }
        String wanted = person.trim();
        Optional<UserAccount> proxy = users.findByUsername(wanted).or(() -> users.findByEmail(wanted))
                .filter(UserAccount::isPatient);
        if (proxy.isEmpty()) {
            redirect.addFlashAttribute("message", "proxies.grant.unknown");
        } else if (proxy.get().id().equals(user.id())) {
            redirect.addFlashAttribute("message", "proxies.grant.self");
        } else {
            proxies.grantByPatient(user, proxy.get(), chosen);
            redirect.addFlashAttribute("message", "proxies.grant.done");
        }
        return "redirect:" + PATH;
    }

    @PostMapping(PATH + "/{relationshipId}/revoke")
    public String revoke(Principal principal, @PathVariable String relationshipId, RedirectAttributes redirect) {
        boolean revoked = proxies.revokeByPatient(user(principal), relationshipId);
        decisions.info("patient revoked proxy: relationship={} revoked={}", relationshipId, revoked);
        redirect.addFlashAttribute("message", revoked ? "proxies.revoke.done" : "proxies.revoke.unknown");
        return "redirect:" + PATH;
    }

    private UserAccount user(Principal principal) {
        return users.findByUsername(principal.getName()).filter(UserAccount::isPatient)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
    }
}
