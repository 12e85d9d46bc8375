package org.portico.auth.session;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.security.Principal;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;

/** "Sign out everywhere" on the security page: every session of the user ends, this one included. */
@Controller
public class SignOutEverywhereController {

    public static final String PATH = "/account/security/sign-out-everywhere";

    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    public SignOutEverywhereController(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    @PostMapping(PATH)
    public String signOutEverywhere(Principal principal, HttpServletRequest request) {
        String name = principal.getName();
        HttpSession current = request.getSession(false);
        if (current != null) {
            current.invalidate();
        }
        SecurityContextHolder.clearContext();
        sessions.findByPrincipalName(name).keySet().forEach(sessions::deleteById);
        return "redirect:/login?logout";
    }
}
