package org.portico.auth.launch;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.portico.smart.discovery.AuthEndpoints;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The SMART style sheet ({@code smart_style_url}, SMART App Launch "Styling"): Portico's colours and
 * fonts, so that an app can blend in. Public, JSON, any origin; the values match {@code portico.css}.
 */
@RestController
public class SmartStyleController {

    static final Map<String, String> STYLE = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> style = new LinkedHashMap<>();
        style.put("color_background", "#f6f7f9");
        style.put("color_error", "#8a1c1c");
        style.put("color_highlight", "#0b5cad");
        style.put("color_modal_backdrop", "rgba(27, 31, 35, 0.5)");
        style.put("color_success", "#1a7f37");
        style.put("color_text", "#1b1f23");
        style.put("dim_border_radius", "0.25rem");
        style.put("dim_font_size", "1rem");
        style.put("dim_spacing_size", "1rem");
        style.put("font_family_body", "system-ui, sans-serif");
        style.put("font_family_heading", "system-ui, sans-serif");
        return Collections.unmodifiableMap(style);
    }

    @CrossOrigin(origins = "*")
    @GetMapping(path = AuthEndpoints.SMART_STYLE_PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, String>> style() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofHours(1)).cachePublic()).body(STYLE);
    }
}
