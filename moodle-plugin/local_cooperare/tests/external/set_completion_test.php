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
 * Tests of local_cooperare_set_completion.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\set_completion
 * @covers     \local_cooperare\local\completion
 */
final class set_completion_test extends testcase {
    /**
     * Two activities with completion tracking.
     */
    private function create_activities(): void {
        $this->call('save_activities', [[
            $this->activity('coop:test:lesson', 'page', ['completion' => 2, 'completionview' => 1]),
            $this->activity('coop:test:final', 'quiz', ['completion' => 2, 'completionusegrade' => 1,
                'completionpassgrade' => 1, 'options' => [['name' => 'gradepass', 'value' => '7']]]),
        ]]);
    }

    /**
     * Criteria are written, a re-run is a no-op, a change replaces them.
     */
    public function test_set_rerun_and_change(): void {
        global $DB;
        $this->create_activities();
        $item = ['courseid' => $this->course->id, 'aggregation' => 1, 'activityaggregation' => 1,
            'activities' => ['coop:test:lesson', 'coop:test:final'], 'grade' => 0.0, 'spechash' => 'c1'];
        $result = $this->call('set_completion', [[$item]]);
        $this->assertSame('updated', $result['courses'][0]['action']);
        $this->assertEquals(2, $DB->count_records('course_completion_criteria', ['course' => $this->course->id,
            'criteriatype' => COMPLETION_CRITERIA_TYPE_ACTIVITY]));

        $ids = $DB->get_fieldset_select('course_completion_criteria', 'id', 'course = ?', [$this->course->id]);
        $again = $this->call('set_completion', [[$item]]);
        $this->assertSame('unchanged', $again['courses'][0]['action']);
        $this->assertEquals($ids, $DB->get_fieldset_select('course_completion_criteria', 'id', 'course = ?',
            [$this->course->id]));

        $item['activities'] = ['coop:test:final'];
        $item['grade'] = 60.0;
        $item['aggregation'] = 2;
        $changed = $this->call('set_completion', [[$item]]);
        $this->assertSame('updated', $changed['courses'][0]['action']);
        $this->assertEquals(60, (float) $DB->get_field('course_completion_criteria', 'gradepass',
            ['course' => $this->course->id, 'criteriatype' => COMPLETION_CRITERIA_TYPE_GRADE]));
        $info = new \completion_info($DB->get_record('course', ['id' => $this->course->id]));
        $this->assertEquals(COMPLETION_AGGREGATION_ANY, $info->get_aggregation_method());

        $described = $this->call('describe_courses', [[$this->course->idnumber]])['courses'][0]['completion'];
        $this->assertSame(['coop:test:final'], $described['activities']);
        $this->assertEquals(60.0, $described['grade']);
        $this->assertSame(2, $described['aggregation']);
        $this->assertTrue($described['managed']);
        $this->assertSame('c1', $described['spechash']);
        $this->assertFalse($described['drift']);
    }

    /**
     * Criteria users already completed against are only changed with unlock.
     */
    public function test_locked(): void {
        global $DB;
        $this->create_activities();
        $item = ['courseid' => $this->course->id, 'activities' => ['coop:test:lesson']];
        $this->call('set_completion', [[$item]]);
        $student = $this->getDataGenerator()->create_and_enrol($this->course, 'student');
        $DB->insert_record('course_completion_crit_compl', ['userid' => $student->id, 'course' => $this->course->id,
            'criteriaid' => $DB->get_field('course_completion_criteria', 'id', ['course' => $this->course->id]),
            'timecompleted' => time()]);
        $item['activities'] = ['coop:test:lesson', 'coop:test:final'];
        try {
            $this->call('set_completion', [[$item]]);
            $this->fail('Expected moodle_exception');
        } catch (\moodle_exception $e) {
            $this->assertSame('completionlocked', $e->errorcode);
        }
        $item['unlock'] = true;
        $this->assertSame('updated', $this->call('set_completion', [[$item]])['courses'][0]['action']);
    }

    /**
     * Unknown activities, activities without tracking and bad aggregation are refused.
     */
    public function test_bad_input(): void {
        global $DB;
        $this->create_activities();
        $this->call('save_activities', [[$this->activity('coop:test:untracked', 'page')]]);
        $cases = [
            [['activities' => ['coop:test:none']], "no activity with idnumber 'coop:test:none'"],
            [['activities' => ['coop:test:untracked']], 'has no completion tracking'],
            [['activities' => ['coop:test:lesson'], 'aggregation' => 3], 'aggregation must be'],
            [['activities' => []], 'at least one activity or a grade'],
        ];
        foreach ($cases as [$fields, $message]) {
            try {
                $this->call('set_completion', [[$fields + ['courseid' => $this->course->id]]]);
                $this->fail("Expected invalid_parameter_exception: {$message}");
            } catch (\invalid_parameter_exception $e) {
                $this->assertStringContainsString($message, $e->debuginfo);
            }
        }
        $this->assertEquals(0, $DB->count_records('course_completion_criteria', ['course' => $this->course->id]));
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->create_activities();
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('set_completion', [[['courseid' => $this->course->id, 'activities' => ['coop:test:lesson']]]]);
    }
}
