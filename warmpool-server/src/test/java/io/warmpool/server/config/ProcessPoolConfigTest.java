package io.warmpool.server.config;

import io.warmpool.ConfigException;
import io.warmpool.process.Readiness;
import io.warmpool.process.Reset;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcessPoolConfigTest {
    private static final GatewayConfig DEFAULTS = GatewayConfig.demo(Path.of("/tmp/wp"), Path.of("/usr/bin/chromium"), 0);

    private static GatewayConfig parse(String pools) {
        return ConfigReader.parse("{\"pools\": " + pools + "}", DEFAULTS);
    }

    private static String process(String body) {
        return "{\"echo\": {\"template\": {\"process\": " + body + "}, \"minIdle\": 1, \"maxSize\": 4}}";
    }

    @Test
    void aProcessTemplateIsReadWithEveryKey() {
        GatewayConfig c = parse("""
                {"browser": {"minIdle": 1},
                 "echo": {"template": {"process": {"command": ["python3", "-m", "http.server", "{port}"],
                   "env": {"HOME": "{dataDir}"}, "workingDir": "/tmp", "readiness": {"http": "http://127.0.0.1:{port}/"},
                   "startTimeout": "PT3S", "stopTimeout": "PT0.5S", "reset": {"command": ["true"]},
                   "limits": {"addressSpaceBytes": 1073741824, "openFiles": 256}}}, "tcp": true, "maxUses": 5}}""");
        assertThat(c.pools()).containsKeys("browser", "echo");
        assertThat(c.pools().get("echo").maxUses()).isEqualTo(5);
        assertThat(c.processPools()).containsOnlyKeys("echo");
        ProcessPool echo = c.processPools().get("echo");
        assertThat(echo.tcp()).isTrue();
        assertThat(echo.template().command()).containsExactly("python3", "-m", "http.server", "{port}");
        assertThat(echo.template().environment()).containsEntry("HOME", "{dataDir}");
        assertThat(echo.template().workingDir()).isEqualTo(Path.of("/tmp"));
        assertThat(echo.template().readiness()).isEqualTo(Readiness.http("http://127.0.0.1:{port}/"));
        assertThat(echo.template().startTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(echo.template().stopTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(echo.template().reset()).isEqualTo(Reset.command("true"));
        assertThat(echo.template().limits().addressSpaceBytes()).isEqualTo(1073741824L);
        assertThat(echo.template().limits().openFiles()).isEqualTo(256);
    }

    @Test
    void readinessAndResetTakeEachOfTheirForms() {
        assertThat(parse(process("{\"command\": [\"x\"], \"readiness\": {\"outputLine\": \"ready on \\\\\\\\d+\"}, "
                + "\"reset\": \"replace\"}")).processPools().get("echo").template().reset()).isEqualTo(Reset.replace());
        assertThat(parse(process("{\"command\": [\"x\"], \"readiness\": {\"tcp\": true}, \"reset\": {\"httpCall\": "
                + "\"http://127.0.0.1:{port}/reset\"}}")).processPools().get("echo").template().readiness())
                .isEqualTo(Readiness.tcp());
    }

    @Test
    void mistakesAreRefusedNamingTheKeyTheRuleAndTheValue() {
        assertThatThrownBy(() -> parse(process("{\"command\": [\"x\"], \"cmd\": 1}")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pools.echo.template.process.cmd");
        assertThatThrownBy(() -> parse(process("{}")))
                .hasMessageContaining("pools.echo.template.process.command is required");
        assertThatThrownBy(() -> parse(process("{\"command\": []}")))
                .hasMessageContaining("pools.echo.template.process.command must name an executable");
        assertThatThrownBy(() -> parse(process("{\"command\": [\"x\"], \"startTimeout\": \"PT0S\"}")))
                .hasMessageContaining("pools.echo.template.process").hasMessageContaining("startTimeout=PT0S");
        assertThatThrownBy(() -> parse(process("{\"command\": [\"x\"], \"readiness\": {\"tcp\": true, \"http\": \"http://a\"}}")))
                .hasMessageContaining("pools.echo.template.process.readiness must hold exactly one of");
        assertThatThrownBy(() -> parse(process("{\"command\": [\"x\"], \"readiness\": {\"outputLine\": \"(\"}}")))
                .hasMessageContaining("readiness.outputLine must be a regular expression");
        assertThatThrownBy(() -> parse(process("{\"command\": [\"x\"], \"reset\": \"sometimes\"}")))
                .hasMessageContaining("pools.echo.template.process.reset must be").hasMessageContaining("sometimes");
        assertThatThrownBy(() -> parse(process("{\"command\": [\"x\"], \"limits\": {\"openFiles\": -1}}")))
                .hasMessageContaining("pools.echo.template.process.limits.openFiles must be an integer >= 0");
        assertThatThrownBy(() -> parse("{\"echo\": {\"template\": {\"docker\": {}}}}"))
                .hasMessageContaining("unknown config key pools.echo.template.docker");
        assertThatThrownBy(() -> parse("{\"browser\": {\"tcp\": true}}"))
                .hasMessageContaining("pools.browser.tcp needs a process template");
        assertThatThrownBy(() -> parse("{\"echo\": {\"template\": {\"process\": {\"command\": [\"x\"]}}, "
                + "\"browser\": \"chromium\"}}"))
                .hasMessageContaining("pools.echo.browser applies to browser pools only");
        assertThatThrownBy(() -> parse("{\"echo\": {\"template\": {\"process\": {\"command\": [\"x\"]}}, "
                + "\"shared\": true}}"))
                .hasMessageContaining("pools.echo.shared must be false for a process pool");
    }

    @Test
    void processPoolsNeedRegionsWhoseAgentsAreLocal() {
        assertThatThrownBy(() -> ConfigReader.parse("""
                {"regions": {"weur": {"agents": "remote"}}, "defaultRegion": "weur",
                 "pools": {"echo": {"template": {"process": {"command": ["x"]}}}}}""", DEFAULTS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("regions.weur.agents must be \"local\"").hasMessageContaining("agents=remote");
    }
}
