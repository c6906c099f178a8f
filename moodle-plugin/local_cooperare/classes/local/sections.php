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

use core_courseformat\formatactions;
use invalid_parameter_exception;
use section_info;
use stdClass;

/**
 * Course sections: name, summary and visibility by section number; missing sections are created.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class sections {
    /**
     * The managed fields of a section, as they are now.
     *
     * @param section_info|stdClass $section
     * @return array
     */
    public static function state($section): array {
        return [
            'name' => (string) $section->name,
            'summary' => (string) $section->summary,
            'summaryformat' => (int) $section->summaryformat,
            'visible' => (int) $section->visible,
        ];
    }

    /**
     * Create the section if missing and bring name, summary and visibility to the requested values.
     *
     * @param stdClass $course
     * @param array $item one validated item of save_sections
     * @return array [section id, action: created|updated|unchanged]
     */
    public static function save(stdClass $course, array $item): array {
        $number = (int) $item['number'];
        $what = "section {$number} of course {$course->id}";
        $maxsections = (int) get_config('moodlecourse', 'maxsections');
        if ($number < 0 || ($maxsections > 0 && $number > $maxsections)) {
            throw new invalid_parameter_exception("{$what}: the section number must be between 0 and {$maxsections}");
        }
        if (isset($item['name']) && \core_text::strlen($item['name']) > 255) {
            throw new invalid_parameter_exception("{$what}: the name is longer than 255 characters");
        }
        if (isset($item['visible']) && !in_array((int) $item['visible'], [0, 1], true)) {
            throw new invalid_parameter_exception("{$what}: visible must be 0 or 1");
        }
        $spechash = util::check_spechash($item['spechash'], $what);

        $created = false;
        $section = get_fast_modinfo($course)->get_section_info($number);
        if (!$section || !empty($section->component)) {
            $created = formatactions::section($course)->create_if_missing(range(0, $number));
            $section = get_fast_modinfo($course)->get_section_info($number);
        }
        if (!$section || !empty($section->component)) {
            throw new invalid_parameter_exception("{$what}: the section could not be created");
        }

        $current = self::state($section);
        $changes = [];
        if (array_key_exists('name', $item) && $item['name'] !== null && $item['name'] !== $current['name']) {
            $changes['name'] = $item['name'];
        }
        if (array_key_exists('summary', $item) && $item['summary'] !== null) {
            if ($item['summary'] !== $current['summary'] || (int) $item['summaryformat'] !== $current['summaryformat']) {
                $changes['summary'] = $item['summary'];
                $changes['summaryformat'] = (int) $item['summaryformat'];
            }
        }
        if (array_key_exists('visible', $item) && $item['visible'] !== null
                && (int) $item['visible'] !== $current['visible']) {
            require_capability('moodle/course:sectionvisibility', \context_course::instance($course->id));
            $changes['visible'] = (int) $item['visible'];
        }
        if ($changes) {
            formatactions::section($course)->update($section, $changes);
            $section = get_fast_modinfo($course->id)->get_section_info($number);
        }

        items::save($course->id, items::KIND_SECTION, (string) $number, (int) $section->id, $spechash, '',
            util::hash(self::state($section)));

        $action = $created ? 'created' : ($changes ? 'updated' : 'unchanged');
        return [(int) $section->id, $action];
    }

    /**
     * Describe the sections of a course.
     *
     * @param stdClass $course
     * @return array list of section descriptions (see describe_courses)
     */
    public static function describe(stdClass $course): array {
        $managed = items::get_all($course->id, items::KIND_SECTION);
        $result = [];
        foreach (get_fast_modinfo($course)->get_section_info_all() as $number => $section) {
            if (!empty($section->component)) {
                continue;
            }
            $item = $managed[(string) $number] ?? null;
            $state = self::state($section);
            $result[] = [
                'id' => (int) $section->id,
                'number' => (int) $number,
                'name' => $state['name'],
                'summary' => $state['summary'],
                'summaryformat' => $state['summaryformat'],
                'visible' => $state['visible'],
                'managed' => $item !== null,
                'spechash' => $item ? $item->spechash : '',
                'drift' => $item !== null && $item->statehash !== util::hash($state),
            ];
        }
        return $result;
    }
}
