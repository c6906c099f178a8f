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
 * Tests of local_cooperare_get_roles.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\get_roles
 */
final class get_roles_test extends testcase {
    /**
     * Every role of the site, by id and shortname, with whether it can be given in a course.
     */
    public function test_roles(): void {
        global $DB;
        $result = $this->call('get_roles', []);
        $byshortname = array_column($result['roles'], null, 'shortname');
        $this->assertCount($DB->count_records('role'), $result['roles']);
        foreach (['student', 'teacher', 'editingteacher', 'manager'] as $shortname) {
            $this->assertArrayHasKey($shortname, $byshortname);
            $expected = $DB->get_field('role', 'id', ['shortname' => $shortname], MUST_EXIST);
            $this->assertSame((int) $expected, $byshortname[$shortname]['id']);
        }
        $this->assertTrue($byshortname['student']['assignablecourse']);
        $this->assertSame('student', $byshortname['student']['archetype']);
        $this->assertFalse($byshortname['user']['assignablecourse']);

        // A role the site made itself is listed too, by its own shortname.
        $tutorid = create_role('Tutore', 'tutore', 'Tutore ACoR', 'teacher');
        set_role_contextlevels($tutorid, [CONTEXT_COURSE]);
        $result = $this->call('get_roles', []);
        $byshortname = array_column($result['roles'], null, 'shortname');
        $this->assertSame($tutorid, $byshortname['tutore']['id']);
        $this->assertTrue($byshortname['tutore']['assignablecourse']);
    }

    /**
     * Without the pack's capability the roles are not listed.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('get_roles', []);
    }
}
