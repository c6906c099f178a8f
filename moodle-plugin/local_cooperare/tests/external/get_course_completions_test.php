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
 * Tests of local_cooperare_get_course_completions.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\get_course_completions
 */
final class get_course_completions_test extends testcase {
    /**
     * A course with one completion criterion and three students, the second of whom completed it.
     *
     * @return \stdClass[] the students, by user id
     */
    private function course_with_students(): array {
        $this->call('save_activities', [[
            $this->activity('coop:test:lesson', 'page', ['completion' => 2, 'completionview' => 1]),
        ]]);
        $this->call('set_completion', [[['courseid' => $this->course->id, 'activities' => ['coop:test:lesson']]]]);
        $students = [];
        for ($i = 0; $i < 3; $i++) {
            $students[] = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        }
        $completion = new \completion_completion(['userid' => $students[1]->id, 'course' => $this->course->id]);
        $completion->mark_complete(1767225600);
        usort($students, fn($a, $b) => $a->id <=> $b->id);
        return $students;
    }

    /**
     * Every tracked user is listed once, in user id order, with the same answer core gives one at a time.
     */
    public function test_completions_match_core_and_pages(): void {
        $students = $this->course_with_students();
        // A teacher is enrolled but not tracked in completion reports.
        $this->teacher();
        $result = $this->call('get_course_completions', [$this->course->id, 0, 1000]);
        $this->assertTrue($result['hascriteria']);
        $this->assertSame(3, $result['total']);
        $this->assertSame(array_map(fn($s) => (int) $s->id, $students), array_column($result['users'], 'userid'));
        foreach ($result['users'] as $row) {
            $core = \core_completion_external::get_course_completion_status($this->course->id, $row['userid']);
            $this->assertSame((bool) $core['completionstatus']['completed'], $row['completed']);
            $this->assertSame($row['completed'] ? 1767225600 : 0, $row['timecompleted']);
        }

        $first = $this->call('get_course_completions', [$this->course->id, 0, 2]);
        $second = $this->call('get_course_completions', [$this->course->id, 2, 2]);
        $this->assertCount(2, $first['users']);
        $this->assertCount(1, $second['users']);
        $this->assertSame(2, $second['offset']);
        $this->assertSame($result['users'], array_merge($first['users'], $second['users']));
    }

    /**
     * A course without criteria says so and lists nobody.
     */
    public function test_no_criteria(): void {
        $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $result = $this->call('get_course_completions', [$this->course->id, 0, 1000]);
        $this->assertFalse($result['hascriteria']);
        $this->assertSame([], $result['users']);
        $this->assertSame(1, $result['total']);
    }

    /**
     * Bad paging and unknown courses are refused.
     */
    public function test_bad_input(): void {
        foreach ([[$this->course->id, -1, 10], [$this->course->id, 0, 0], [$this->course->id, 0, 1001],
                [$this->course->id + 1000, 0, 10]] as $args) {
            try {
                $this->call('get_course_completions', $args);
                $this->fail('Expected invalid_parameter_exception for ' . json_encode($args));
            } catch (\invalid_parameter_exception $e) {
                $this->assertInstanceOf(\invalid_parameter_exception::class, $e);
            }
        }
    }

    /**
     * A teacher without local/cooperare:provision is refused before anything is read.
     */
    public function test_permission_denied(): void {
        $this->course_with_students();
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('get_course_completions', [$this->course->id, 0, 1000]);
    }
}
