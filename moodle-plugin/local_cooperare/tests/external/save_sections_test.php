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
 * Tests of local_cooperare_save_sections.
 *
 * @package    local_cooperare
 * @category   test
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 * @covers     \local_cooperare\external\save_sections
 * @covers     \local_cooperare\local\sections
 */
final class save_sections_test extends testcase {
    /**
     * Sections are created up to the number, named, and a re-run changes nothing.
     */
    public function test_create_update_and_rerun(): void {
        global $DB;
        $items = [
            ['courseid' => $this->course->id, 'number' => 5, 'name' => 'Modulul 5. Securitate',
                'summary' => '<p>Rezumat</p>', 'visible' => 1, 'spechash' => 'h5'],
            ['courseid' => $this->course->id, 'number' => 1, 'name' => 'Modulul 1. Informații și date'],
        ];
        $result = $this->call('save_sections', [$items]);
        $this->assertCount(2, $result['sections']);
        $this->assertSame('created', $result['sections'][0]['action']);
        $this->assertSame('updated', $result['sections'][1]['action']);
        $this->assertEquals(6, $DB->count_records('course_sections', ['course' => $this->course->id]));
        $section = $DB->get_record('course_sections', ['course' => $this->course->id, 'section' => 5]);
        $this->assertSame('Modulul 5. Securitate', $section->name);
        $this->assertSame('<p>Rezumat</p>', $section->summary);

        // Re-run: nothing changes, no new rows, same ids.
        $count = $DB->count_records('course_sections');
        $again = $this->call('save_sections', [$items]);
        $this->assertSame(['unchanged', 'unchanged'], array_column($again['sections'], 'action'));
        $this->assertSame(array_column($result['sections'], 'id'), array_column($again['sections'], 'id'));
        $this->assertEquals($count, $DB->count_records('course_sections'));

        // Hide a section; leaving out the name keeps it.
        $hide = $this->call('save_sections', [[['courseid' => $this->course->id, 'number' => 5, 'visible' => 0]]]);
        $this->assertSame('updated', $hide['sections'][0]['action']);
        $section = $DB->get_record('course_sections', ['course' => $this->course->id, 'section' => 5]);
        $this->assertEquals(0, $section->visible);
        $this->assertSame('Modulul 5. Securitate', $section->name);

        // Describe reports the spechash and no drift.
        $described = $this->call('describe_courses', [[$this->course->idnumber]]);
        $five = array_values(array_filter($described['courses'][0]['sections'], fn($s) => $s['number'] === 5))[0];
        $this->assertTrue($five['managed']);
        $this->assertSame('', $five['spechash']);
        $this->assertFalse($five['drift']);
    }

    /**
     * A bad item rolls back the whole call.
     */
    public function test_bad_input_rolls_back(): void {
        global $DB;
        $before = $DB->count_records('course_sections', ['course' => $this->course->id]);
        try {
            $this->call('save_sections', [[
                ['courseid' => $this->course->id, 'number' => 8, 'name' => 'Nou'],
                ['courseid' => $this->course->id, 'number' => -1, 'name' => 'Greșit'],
            ]]);
            $this->fail('Expected invalid_parameter_exception');
        } catch (\invalid_parameter_exception $e) {
            $this->assertStringContainsString('section -1', $e->debuginfo);
        }
        $this->assertEquals($before, $DB->count_records('course_sections', ['course' => $this->course->id]));

        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_sections', [[['courseid' => 999999, 'number' => 1, 'name' => 'X']]]);
    }

    /**
     * Listing the same section twice is refused.
     */
    public function test_duplicate_items(): void {
        $this->expectException(\invalid_parameter_exception::class);
        $this->call('save_sections', [[
            ['courseid' => $this->course->id, 'number' => 1, 'name' => 'A'],
            ['courseid' => $this->course->id, 'number' => 1, 'name' => 'B'],
        ]]);
    }

    /**
     * A teacher without local/cooperare:provision is refused.
     */
    public function test_permission_denied(): void {
        $this->setUser($this->teacher());
        $this->expectException(\required_capability_exception::class);
        $this->call('save_sections', [[['courseid' => $this->course->id, 'number' => 1, 'name' => 'X']]]);
    }
}
