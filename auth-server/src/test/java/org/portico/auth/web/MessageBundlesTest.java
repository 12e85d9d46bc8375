package org.portico.auth.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.Format;
import java.text.MessageFormat;
import java.text.NumberFormat;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every text exists in English and Spanish, with the same placeholders, and is a valid message pattern. */
class MessageBundlesTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d+)");

    @ParameterizedTest
    @ValueSource(strings = {"messages", "accounts", "registration", "proxy"})
    void whenABundleIsReadThenEnglishAndSpanishHaveTheSameKeysAndPlaceholders(String bundle) throws IOException {
        Properties english = load("i18n/" + bundle + ".properties");
        Properties spanish = load("i18n/" + bundle + "_es.properties");
        assertThat(new TreeSet<>(spanish.stringPropertyNames())).as(bundle + ": Spanish keys")
                .isEqualTo(new TreeSet<>(english.stringPropertyNames()));
        for (String key : english.stringPropertyNames()) {
            String en = english.getProperty(key);
            String es = spanish.getProperty(key);
            assertThat(placeholders(es)).as(bundle + ": placeholders of " + key).isEqualTo(placeholders(en));
            assertThat(es).as(bundle + ": Spanish text of " + key).isNotBlank();
            if (!placeholders(en).isEmpty()) {
                // a pattern with arguments goes through MessageFormat: a lone quote would swallow text
                assertThat(format(en)).as(key).doesNotContain("'");
                assertThat(format(es)).as(key).doesNotContain("'");
            }
        }
    }

    /** The pattern with sample arguments: a number where the pattern formats one, else a word. */
    private static String format(String pattern) {
        MessageFormat format = new MessageFormat(pattern);
        Format[] formats = format.getFormatsByArgumentIndex();
        Object[] args = new Object[formats.length];
        for (int i = 0; i < formats.length; i++) {
            args[i] = formats[i] instanceof NumberFormat ? (Object) 2 : "word";
        }
        return format.format(args);
    }

    private static Set<String> placeholders(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static Properties load(String path) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = MessageBundlesTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return properties;
    }
}
