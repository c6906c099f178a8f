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
 * Tests of local_cooperare_describe_courses.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\describe_courses
 */
final class describe_courses_test extends testcase {
    /**
     * A course's structure in one read; missing courses listed; objects not written by the plugin unmanaged.
     */
    public function test_describe(): void {
        $this->call('save_sections', [[['courseid' => $this->course->id, 'number' => 1, 'name' => 'Modulul 1',
            'spechash' => 's1']]]);
        $this->call('save_activities', [[$this->activity('coop:test:lesson', 'page', [
            'options' => [['name' => 'content', 'value' => '<p>Lecția</p>']]])]]);
        $this->getDataGenerator()->create_module('url', ['course' => $this->course->id],
            ['idnumber' => 'manual:link']);
        $this->getDataGenerator()->create_module('page', ['course' => $this->course->id]);

        $result = $this->call('describe_courses', [[$this->course->idnumber, 'coop:course:missing']]);
        $this->assertSame(['coop:course:missing'], $result['missing']);
        $this->assertCount(1, $result['courses']);
        $course = $result['courses'][0];
        $this->assertEquals($this->course->id, $course['id']);
        $this->assertSame(1, $course['enablecompletion']);
        $this->assertCount(4, $course['sections']);
        $this->assertSame('Modulul 1', $course['sections'][1]['name']);
        $this->assertSame('s1', $course['sections'][1]['spechash']);
        $this->assertFalse($course['sections'][0]['managed']);

        // Only activities with an idnumber are described.
        $activities = array_column($course['activities'], null, 'idnumber');
        ksort($activities);
        $this->assertSame(['coop:test:lesson', 'manual:link'], array_keys($activities));
        $this->assertTrue($activities['coop:test:lesson']['managed']);
        $this->assertFalse($activities['manual:link']['managed']);
        $this->assertFalse($activities['manual:link']['drift']);
        $this->assertSame([['name' => 'content', 'value' => '<p>Lecția</p>']], $activities['coop:test:lesson']['options']);
        $this->assertSame([], $course['questions']);
        $this->assertSame([], $course['cohortsync']);
        $this->assertFalse($course['completion']['managed']);

        // Drift: a section renamed in Moodle.
        $modinfo = get_fast_modinfo($this->course->id);
        \core_courseformat\formatactions::section($this->course->id)->update($modinfo->get_section_info(1),
            ['name' => 'Redenumit']);
        $result = $this->call('describe_courses', [[$this->course->idnumber]]);
        $this->assertTrue($result['courses'][0]['sections'][1]['drift']);
    }

    /**
     * Empty list, duplicate idnumbers.
     */
    public function test_bad_input(): void {
        $this->assertSame(['courses' => [], 'missing' => []], $this->call('describe_courses', [[]]));
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('describe_courses', [['coop:course:test', 'coop:course:test']]);
    }

    /**
     * The site course is never described, even when it has an idnumber: it is listed as missing (SITEID is a string
     * when read from the database, so the plugin compares it as an integer).
     */
    public function test_site_course_is_missing(): void {
        global $DB;
        $DB->set_field('course', 'idnumber', 'coop:site', ['id' => SITEID]);
        $result = $this->call('describe_courses', [['coop:site', $this->course->idnumber]]);
        $this->assertSame(['coop:site'], $result['missing']);
        $this->assertCount(1, $result['courses']);
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('describe_courses', [[$this->course->idnumber]]);
    }

    /**
     * Without the capability nobody learns whether an idnumber exists: an unknown idnumber is refused the same way
     * as an existing one, not reported missing.
     */
    public function test_permission_checked_before_lookup(): void {
        $this->setUser($this->teacher());
        foreach ([$this->course->idnumber, 'coop:course:nosuchcourse'] as $idnumber) {
            try {
                $this->call('describe_courses', [[$idnumber]]);
                $this->fail("Expected required_capability_exception for {$idnumber}");
            } catch (\required_capability_exception $e) {
                $this->assertStringContainsString(get_capability_string('local/cooperare:provision'),
                    $e->getMessage());
            }
        }
    }

    /**
     * Granted at site level and prohibited in one course: that course is refused, unknown idnumbers are missing.
     */
    public function test_prohibited_in_course(): void {
        global $DB;
        $manager = $this->getDataGenerator()->create_user();
        $managerrole = $DB->get_field('role', 'id', ['shortname' => 'manager']);
        role_assign($managerrole, $manager->id, \context_system::instance()->id);
        $this->setUser($manager);
        $result = $this->call('describe_courses', [[$this->course->idnumber, 'coop:course:nosuchcourse']]);
        $this->assertSame([$this->course->idnumber], array_column($result['courses'], 'idnumber'));
        $this->assertSame(['coop:course:nosuchcourse'], $result['missing']);

        $context = \context_course::instance($this->course->id);
        role_change_permission($managerrole, $context, 'local/cooperare:provision', CAP_PROHIBIT);
        $this->expectException(\required_capability_exception::class);
        $this->call('describe_courses', [[$this->course->idnumber]]);
    }
}
