<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

namespace local_cooperare\local;

/**
 * Tests of the setup that cli/setup.php runs.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\local\setup
 */
final class setup_test extends \advanced_testcase {
    /**
     * Start from a site without web services, with another protocol active and the service disabled.
     */
    protected function setUp(): void {
        global $DB;
        parent::setUp();
        $this->resetAfterTest();
        $this->setAdminUser();
        set_config('enablewebservices', 0);
        set_config('webserviceprotocols', 'soap');
        $DB->set_field('external_services', 'enabled', 0, ['shortname' => setup::SERVICE]);
    }

    /**
     * A first run turns everything on and creates a token; a second run changes nothing and reuses it.
     */
    public function test_run_and_rerun(): void {
        global $CFG, $DB;
        $user = $this->getDataGenerator()->create_user(['username' => 'coopbot']);
        $first = setup::run('coopbot', 5000);

        $this->assertEquals(1, $CFG->enablewebservices);
        $this->assertSame(['soap', 'rest'], explode(',', $CFG->webserviceprotocols));
        $service = $DB->get_record('external_services', ['shortname' => setup::SERVICE], '*', MUST_EXIST);
        $this->assertEquals(1, $service->enabled);
        $this->assertTrue($DB->record_exists('external_services_users',
            ['externalserviceid' => $service->id, 'userid' => $user->id]));
        $this->assertCount(5, $first['done']);
        $this->assertSame([], $first['ok']);
        $this->assertTrue($first['tokencreated']);
        $token = $DB->get_record('external_tokens', ['id' => $first['tokenid']], '*', MUST_EXIST);
        $this->assertSame($first['token'], $token->token);
        $this->assertEquals($user->id, $token->userid);
        $this->assertEquals($service->id, $token->externalserviceid);
        $this->assertEquals(EXTERNAL_TOKEN_PERMANENT, $token->tokentype);
        $this->assertEquals(0, $token->validuntil);

        $second = setup::run('coopbot', 5000);
        $this->assertSame([], $second['done']);
        $this->assertCount(5, $second['ok']);
        $this->assertNull($second['token']);
        $this->assertFalse($second['tokencreated']);
        $this->assertSame($first['tokenid'], $second['tokenid']);
        $this->assertSame($first['token'], setup::token_value($second['tokenid']));
        $this->assertSame(1, $DB->count_records('external_tokens', ['userid' => $user->id]));
        $this->assertSame(1, $DB->count_records('external_services_users', ['userid' => $user->id]));
        $this->assertSame(['soap', 'rest'], explode(',', $CFG->webserviceprotocols));
    }

    /**
     * An expired token is not reused.
     */
    public function test_expired_token_replaced(): void {
        global $DB;
        $this->getDataGenerator()->create_user(['username' => 'coopbot']);
        $first = setup::run('coopbot', 5000);
        $DB->set_field('external_tokens', 'validuntil', time() - 60, ['id' => $first['tokenid']]);
        $second = setup::run('coopbot', 5000);
        $this->assertTrue($second['tokencreated']);
        $this->assertNotSame($first['tokenid'], $second['tokenid']);
        $this->assertNotSame($first['token'], $second['token']);
    }

    /**
     * Unknown, suspended and guest users are refused before anything changes.
     */
    public function test_bad_user(): void {
        global $CFG;
        $this->getDataGenerator()->create_user(['username' => 'gone', 'suspended' => 1]);
        foreach (['nosuchuser', 'gone', 'guest'] as $username) {
            try {
                setup::run($username, 5000);
                $this->fail("Expected moodle_exception for {$username}");
            } catch (\moodle_exception $e) {
                $this->assertStringContainsString($username, $e->debuginfo);
            }
        }
        $this->assertEquals(0, $CFG->enablewebservices);
    }

    /**
     * What the script cannot fix is reported: max_input_vars, the timezone, the Romanian pack, capabilities.
     */
    public function test_warnings(): void {
        global $CFG, $DB;
        $installed = array_key_exists('ro', get_string_manager()->get_list_of_translations(true));

        $CFG->timezone = 'Europe/London';
        $warnings = setup::site_warnings(1000);
        $this->assertCount($installed ? 2 : 3, $warnings);
        $this->assertStringContainsString('max_input_vars is 1000', $warnings[0]);
        $this->assertStringContainsString('Europe/London', end($warnings));
        $this->assertSame(!$installed, (bool) preg_grep('/Romanian language pack/', $warnings));

        $CFG->timezone = 'Europe/Bucharest';
        $this->assertCount($installed ? 0 : 1, setup::site_warnings(5000));

        $service = setup::service();
        $plain = $this->getDataGenerator()->create_user();
        $system = \context_system::instance();
        $lacking = array_values(array_filter(['webservice/rest:use', 'local/cooperare:provision'],
            fn($capability) => !has_capability($capability, $system, $plain->id)));
        $this->assertContains('local/cooperare:provision', $lacking);
        $warnings = setup::capability_warnings($service, $plain->id);
        $this->assertCount(count($lacking), $warnings);
        foreach ($lacking as $index => $capability) {
            $this->assertStringContainsString($capability, $warnings[$index]);
        }
        // A manager holds local/cooperare:provision.
        role_assign($DB->get_field('role', 'id', ['shortname' => 'manager']), $plain->id, $system->id);
        $this->assertEmpty(preg_grep('/provision/', setup::capability_warnings($service, $plain->id)));
        $this->assertSame([], setup::capability_warnings($service, get_admin()->id));
    }

    /**
     * The token file is created with mode 0600; the same token again leaves it alone; another file is refused.
     */
    public function test_token_file(): void {
        $path = make_request_directory() . '/token';
        $this->assertTrue(setup::write_token_file($path, 'abc123'));
        $this->assertSame("abc123\n", file_get_contents($path));
        $this->assertSame(0600, fileperms($path) & 0777);
        $this->assertFalse(setup::write_token_file($path, 'abc123'));
        $this->expectException(\moodle_exception::class);
        setup::write_token_file($path, 'other');
    }
}
