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

use completion_aggregation;
use completion_criteria_activity;
use completion_criteria_grade;
use completion_info;
use invalid_parameter_exception;
use moodle_exception;
use stdClass;

/**
 * Course completion criteria: required activities (by idnumber), aggregation and an optional course grade.
 *
 * The plugin owns the whole criteria set of a course it is asked to manage: other criteria (self completion,
 * dates, roles...) are removed when the set is written.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class completion {
    /** @var string idnumber of the single completion row of a course. */
    public const IDNUMBER = 'course';

    /**
     * Load the completion libraries.
     *
     * @return void
     */
    private static function require_libs(): void {
        global $CFG;
        require_once($CFG->libdir . '/completionlib.php');
        require_once($CFG->dirroot . '/completion/criteria/completion_criteria.php');
        require_once($CFG->dirroot . '/completion/criteria/completion_criteria_activity.php');
        require_once($CFG->dirroot . '/completion/criteria/completion_criteria_grade.php');
        require_once($CFG->dirroot . '/completion/completion_aggregation.php');
    }

    /**
     * The completion criteria of a course as they are now.
     *
     * @param stdClass $course
     * @return array
     */
    public static function state(stdClass $course): array {
        global $DB;
        self::require_libs();
        $info = new completion_info($course);
        $activities = [];
        $grade = '0';
        $others = 0;
        foreach ($DB->get_records('course_completion_criteria', ['course' => $course->id], 'id') as $criterion) {
            if ((int) $criterion->criteriatype === COMPLETION_CRITERIA_TYPE_ACTIVITY) {
                $idnumber = $DB->get_field('course_modules', 'idnumber', ['id' => $criterion->moduleinstance]);
                $activities[] = ($idnumber === false || $idnumber === '' || $idnumber === null)
                    ? '#' . $criterion->moduleinstance : (string) $idnumber;
            } else if ((int) $criterion->criteriatype === COMPLETION_CRITERIA_TYPE_GRADE) {
                $grade = util::float_string($criterion->gradepass);
            } else {
                $others++;
            }
        }
        sort($activities, SORT_STRING);
        return [
            'enabled' => (string) (int) $course->enablecompletion,
            'aggregation' => (string) (int) $info->get_aggregation_method(),
            'activityaggregation' => (string) (int) $info->get_aggregation_method(COMPLETION_CRITERIA_TYPE_ACTIVITY),
            'activities' => $activities,
            'grade' => $grade,
            'othercriteria' => (string) $others,
        ];
    }

    /**
     * Write the completion criteria of a course unless they are already as requested.
     *
     * @param stdClass $course
     * @param array $item one validated item of set_completion
     * @return string action: updated or unchanged
     */
    public static function save(stdClass $course, array $item): string {
        global $CFG, $DB;
        self::require_libs();
        $what = "completion of course {$course->id}";
        $spechash = util::check_spechash($item['spechash'], $what);
        if (empty($CFG->enablecompletion) || empty($course->enablecompletion)) {
            throw new invalid_parameter_exception("{$what}: completion tracking is not enabled in the course (or on the "
                . 'site); enable it first (enablecompletion = 1)');
        }
        foreach (['aggregation', 'activityaggregation'] as $field) {
            if (!in_array((int) $item[$field], [COMPLETION_AGGREGATION_ALL, COMPLETION_AGGREGATION_ANY], true)) {
                throw new invalid_parameter_exception("{$what}: {$field} must be 1 (all) or 2 (any)");
            }
        }
        $grade = (float) $item['grade'];
        if ($grade < 0) {
            throw new invalid_parameter_exception("{$what}: grade must be 0 (none) or more");
        }
        $cms = [];
        foreach ($item['activities'] as $idnumber) {
            if (isset($cms[$idnumber])) {
                throw new invalid_parameter_exception("{$what}: activity '{$idnumber}' listed twice");
            }
            $cm = util::get_cm_by_idnumber($course->id, $idnumber);
            if (!$cm) {
                throw new invalid_parameter_exception("{$what}: no activity with idnumber '{$idnumber}'");
            }
            if ((int) $cm->completion === COMPLETION_TRACKING_NONE) {
                throw new invalid_parameter_exception("{$what}: activity '{$idnumber}' has no completion tracking");
            }
            $cms[$idnumber] = $cm;
        }
        if (!$cms && $grade <= 0) {
            throw new invalid_parameter_exception("{$what}: give at least one activity or a grade");
        }

        $desired = [
            'enabled' => '1',
            'aggregation' => (string) (int) $item['aggregation'],
            'activityaggregation' => (string) (int) $item['activityaggregation'],
            'activities' => array_map('strval', array_keys($cms)),
            'grade' => util::float_string($grade),
            'othercriteria' => '0',
        ];
        sort($desired['activities'], SORT_STRING);
        $current = self::state($course);
        $action = 'unchanged';
        if ($desired !== $current) {
            $info = new completion_info($course);
            if ($info->is_course_locked() && !$item['unlock']) {
                throw new moodle_exception('completionlocked', 'local_cooperare', '', $course->id);
            }
            $info->clear_criteria();
            foreach ($cms as $cm) {
                $criterion = new completion_criteria_activity();
                $criterion->course = $course->id;
                $criterion->module = $cm->modname;
                $criterion->moduleinstance = $cm->id;
                $criterion->insert();
            }
            if ($grade > 0) {
                $criterion = new completion_criteria_grade();
                $criterion->course = $course->id;
                $criterion->gradepass = $grade;
                $criterion->insert();
            }
            foreach ([null => $item['aggregation'], COMPLETION_CRITERIA_TYPE_ACTIVITY => $item['activityaggregation']]
                    as $type => $method) {
                $aggregation = new completion_aggregation(['course' => $course->id, 'criteriatype' => $type ?: null]);
                $aggregation->setMethod((int) $method);
                $aggregation->save();
            }
            \core\event\course_completion_updated::create([
                'courseid' => $course->id,
                'context' => \context_course::instance($course->id),
            ])->trigger();
            $action = 'updated';
        }
        $state = self::state($DB->get_record('course', ['id' => $course->id], '*', MUST_EXIST));
        items::save($course->id, items::KIND_COMPLETION, self::IDNUMBER, (int) $course->id, $spechash, '',
            util::hash($state));
        return $action;
    }

    /**
     * Describe the completion criteria of a course.
     *
     * @param stdClass $course
     * @return array (see describe_courses)
     */
    public static function describe(stdClass $course): array {
        $state = self::state($course);
        $item = items::get($course->id, items::KIND_COMPLETION, self::IDNUMBER);
        return [
            'enabled' => (int) $state['enabled'],
            'aggregation' => (int) $state['aggregation'],
            'activityaggregation' => (int) $state['activityaggregation'],
            'activities' => $state['activities'],
            'grade' => (float) $state['grade'],
            'othercriteria' => (int) $state['othercriteria'],
            'managed' => $item !== null,
            'spechash' => $item ? $item->spechash : '',
            'drift' => $item !== null && $item->statehash !== util::hash($state),
        ];
    }
}
