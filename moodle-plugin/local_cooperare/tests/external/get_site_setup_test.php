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

namespace local_cooperare\external;

defined('MOODLE_INTERNAL') || die();

global $CFG;
require_once(__DIR__ . '/testcase.php');

/**
 * Tests of local_cooperare_get_site_setup.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\get_site_setup
 */
final class get_site_setup_test extends testcase {
    /**
     * Languages, timezone and the switches the pack relies on, as the site has them.
     */
    public function test_site_setup(): void {
        global $CFG;
        $CFG->timezone = 'Europe/Bucharest';
        $CFG->forcetimezone = '99';
        $CFG->enableavailability = 1;
        $result = $this->call('get_site_setup', []);
        $codes = array_column($result['languages'], 'code');
        $this->assertContains('en', $codes);
        $this->assertSame(array_keys(get_string_manager()->get_list_of_translations(true)), $codes);
        $this->assertSame('Europe/Bucharest', $result['timezone']);
        $this->assertSame('', $result['forcetimezone']);
        $this->assertTrue($result['enableavailability']);
        $this->assertTrue($result['enablecompletion']);

        $CFG->forcetimezone = 'Europe/London';
        $CFG->enableavailability = 0;
        $result = $this->call('get_site_setup', []);
        $this->assertSame('Europe/London', $result['forcetimezone']);
        $this->assertFalse($result['enableavailability']);
    }

    /**
     * The enabled activity modules, in name order; a module disabled in the site administration is left out.
     */
    public function test_enabled_modules(): void {
        global $DB;
        $DB->set_field('modules', 'visible', 1, ['name' => 'bigbluebuttonbn']);
        $modules = $this->call('get_site_setup', [])['modules'];
        $this->assertContains('page', $modules);
        $this->assertContains('bigbluebuttonbn', $modules);
        $sorted = $modules;
        sort($sorted);
        $this->assertSame($sorted, $modules);
        $DB->set_field('modules', 'visible', 0, ['name' => 'bigbluebuttonbn']);
        $this->assertNotContains('bigbluebuttonbn', $this->call('get_site_setup', [])['modules']);
    }

    /**
     * Without the pack's capability the settings are not read.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('get_site_setup', []);
    }
}
